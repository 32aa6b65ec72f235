/**
 * GeoIP/ASN from iptoasn.com `ip2asn-*.tsv` files (made here, in a temp dir): lookups at range boundaries for
 * IPv4 and IPv6, unrouted space, gzip by extension and by magic bytes, the numeric `-u32` form, unsorted input,
 * malformed lines skipped, bad files named by config key and path, and a profile's `geo` filled through
 * ThreatService and returned by its queries.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { defaultConfig } from '../../src/core/config/defaults.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { isLnmtError, type LnmtError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { ipv4ToNumber, ipv6ToHalves } from '../../src/threat/geo/ip-number.js';
import { loadGeoLookup } from '../../src/threat/geo/ip2asn-loader.js';
import { ThreatService } from '../../src/threat/threat-service.js';
import { sqliteDialect } from '../fixtures/dialects.js';
import { connect, T0, TestClock } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lnmt-geoip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tsv = (rows: string[][]) => rows.map((r) => r.join('\t')).join('\n') + '\n';
function file(name: string, body: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

const V4 = tsv([
  ['0.0.0.0', '0.255.255.255', '0', 'None', 'Not routed'],
  ['1.0.0.0', '1.0.0.255', '13335', 'US', 'CLOUDFLARENET'],
  ['1.0.1.0', '1.0.3.255', '0', 'None', 'Not routed'],
  ['1.0.4.0', '1.0.7.255', '38803', 'AU', 'GTELECOM-AUSTRALIA Gtelecom-AUSTRALIA'],
  ['this line is not a row'],
  ['1.2.3.4', '1.2.3.0', '64499', 'US', 'END-BEFORE-START'],
  ['1.3.0.0', '1.3.0.255', 'AS64498', 'US', 'BAD-ASN'],
  ['203.0.113.0', '203.0.113.127', '64500', 'NL', 'EXAMPLE-AS Example Net'],
  ['203.0.113.200', '203.0.113.255', '64501', 'None', 'NO-COUNTRY-AS'],
  ['255.255.255.0', '255.255.255.255', '64502', 'DE', 'LAST-AS'],
]).replace(/\n$/, '\r\n'); // the last line ends in CRLF, as a file edited on Windows would

const V6 = tsv([
  ['::', '1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '0', 'None', 'Not routed'],
  ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '64510', 'JP', 'V6-EXAMPLE'],
  ['2001:db9::', '2001:db9::ff', '64511', 'FR', 'SMALLER-THAN-A-64'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '64512', 'SE', 'TOP-OF-SPACE'],
]);

const CF = { asn: 13335, country: 'US', org: 'CLOUDFLARENET' };
const AU = { asn: 38803, country: 'AU', org: 'GTELECOM-AUSTRALIA Gtelecom-AUSTRALIA' };
const EX = { asn: 64500, country: 'NL', org: 'EXAMPLE-AS Example Net' };

/** The value of a valid IPv6 text, the obvious (slow) way: expand `::`, split a dotted tail, read the hex. */
function slowIpv6(text: string): bigint {
  const groups = (side: string) => (side === '' ? [] : side.split(':').flatMap((g) => (g.includes('.') ? g.split('.').map(Number).reduce<number[]>((acc, b, i) => (i % 2 ? [...acc.slice(0, -1), acc.at(-1)! * 256 + b] : [...acc, b]), []).map((x) => x.toString(16)) : [g])));
  const [head = '', tail] = text.split('::');
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return BigInt(`0x${all.map((g) => g.padStart(4, '0')).join('')}`);
}

async function rejectsWith(p: Promise<unknown>, ...parts: string[]): Promise<LnmtError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isLnmtError(err), `not an LnmtError: ${String(err)}`);
    assert.equal(err.code, 'LNMT_ERR_CONFIG');
    for (const part of parts) assert.ok(err.message.includes(part), `${JSON.stringify(err.message)} lacks ${JSON.stringify(part)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('GeoIP/ASN from ip2asn files', () => {
  it('the address parsers agree with node:net on what is an address, and with a plain expansion on its value', () => {
    // The loader parses ~1M addresses, so they are hand-rolled; this checks them on generated addresses
    // (compressed anywhere, zero-padded, with a dotted-quad tail) and on mutations and random strings.
    let seed = 42;
    const r = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
    const chars = '0123456789abcdefABCDEF:.%z';
    const cases: string[] = ['::', '::1', '1::', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', ':::', '1:::2', '1::2::3', ':1::', '1:', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3', '01.2.3.4', '1.2.3.4.', '256.0.0.0', '0.0.0.0', '255.255.255.255', '12345::', 'fe80::1%eth0'];
    for (let i = 0; i < 6000; i++) {
      let parts = Array.from({ length: 8 }, () => (r(3) === 0 ? 0 : r(65536)).toString(16)).map((g) => (r(4) === 0 ? g.padStart(4, '0') : g));
      if (r(4) === 0) parts = [...parts.slice(0, 6), `${r(256)}.${r(256)}.${r(256)}.${r(256)}`];
      const a = r(parts.length + 1);
      let text = r(2) ? `${parts.slice(0, a).join(':')}::${parts.slice(a + r(parts.length - a + 1)).join(':')}` : parts.join(':');
      if (r(4) === 0) {
        const at = r(text.length + 1);
        text = text.slice(0, at) + chars[r(chars.length)]! + text.slice(at + r(2));
      }
      cases.push(text, `${r(300)}.${r(256)}.${r(256)}.${r(256)}`);
      cases.push(Array.from({ length: 1 + r(12) }, () => chars[r(chars.length)]!).join(''));
    }
    let valid6 = 0;
    for (const text of cases) {
      const bare = text.split('%')[0]!;
      const h = ipv6ToHalves(text);
      assert.equal(h !== null, isIPv6(bare), `IPv6 ${JSON.stringify(text)}`);
      if (h) {
        valid6++;
        assert.equal((h.hi << 64n) | h.lo, slowIpv6(bare), text);
      }
      const n = ipv4ToNumber(text);
      assert.equal(n !== null, isIPv4(text), `IPv4 ${JSON.stringify(text)}`);
      if (n !== null) assert.equal(n, text.split('.').reduce((acc, b) => acc * 256 + Number(b), 0), text);
    }
    assert.ok(valid6 > 3000, `only ${valid6} valid IPv6 cases`);
  });

  it('IPv4: first and last address of a range, just outside it, unrouted rows, a country-less AS', async () => {
    const db = await loadGeoLookup([file('ip2asn-v4.tsv', V4)]);
    const { lookup } = db;
    assert.equal(db.ranges, 5);
    assert.equal(db.malformed, 3);
    assert.equal(db.samples.length, 3);
    assert.match(db.samples[0]!, /ip2asn-v4\.tsv:5: /);
    assert.deepEqual(lookup('1.0.0.0'), CF);
    assert.deepEqual(lookup('1.0.0.255'), CF);
    assert.deepEqual(lookup('1.0.0.128'), CF);
    assert.equal(lookup('0.255.255.255'), null); // unrouted (AS 0)
    assert.equal(lookup('0.0.0.0'), null);
    assert.equal(lookup('1.0.1.0'), null); // unrouted, just after a range
    assert.equal(lookup('1.0.3.255'), null); // unrouted, just before a range
    assert.deepEqual(lookup('1.0.4.0'), AU);
    assert.deepEqual(lookup('1.0.7.255'), AU);
    assert.equal(lookup('1.0.8.0'), null); // in no range at all
    assert.equal(lookup('1.2.3.2'), null); // its row was malformed
    assert.equal(lookup('1.3.0.1'), null);
    assert.deepEqual(lookup('203.0.113.127'), EX);
    assert.equal(lookup('203.0.113.128'), null);
    assert.equal(lookup('203.0.113.199'), null);
    assert.deepEqual(lookup('203.0.113.200'), { asn: 64501, org: 'NO-COUNTRY-AS' });
    assert.deepEqual(lookup('255.255.255.255'), { asn: 64502, country: 'DE', org: 'LAST-AS' }); // CRLF line
    assert.deepEqual(lookup('::ffff:1.0.4.1'), AU); // IPv4-mapped: a dual-stack socket's view of an IPv4 peer
    assert.equal(lookup('2001:db8::1'), null); // no IPv6 file loaded
    assert.equal(lookup('not an ip'), null);
    assert.equal(lookup(''), null);
  });

  it('a result is a fresh object: changing it changes no later lookup', async () => {
    const { lookup } = await loadGeoLookup([file('fresh-v4.tsv', V4)]);
    const a = lookup('1.0.0.1')!;
    a.org = 'changed';
    assert.deepEqual(lookup('1.0.0.1'), CF);
  });

  it('IPv6 from a gzipped file (by extension): boundaries in both 64-bit halves, unrouted space, the top address', async () => {
    const { lookup, ranges, malformed } = await loadGeoLookup([file('ip2asn-v6.tsv.gz', gzipSync(V6))]);
    assert.equal(ranges, 3);
    assert.equal(malformed, 0);
    const JP = { asn: 64510, country: 'JP', org: 'V6-EXAMPLE' };
    assert.deepEqual(lookup('2001:db8::'), JP);
    assert.deepEqual(lookup('2001:0db8:0000:0000:0000:0000:0000:0001'), JP);
    assert.deepEqual(lookup('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), JP);
    assert.equal(lookup('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff'), null);
    assert.deepEqual(lookup('2001:db9::'), { asn: 64511, country: 'FR', org: 'SMALLER-THAN-A-64' });
    assert.deepEqual(lookup('2001:db9::ff'), { asn: 64511, country: 'FR', org: 'SMALLER-THAN-A-64' });
    assert.equal(lookup('2001:db9::100'), null); // same high half, low half just past the end
    assert.equal(lookup('2001:db9:0:1::'), null);
    assert.equal(lookup('2000::1'), null); // unrouted
    assert.equal(lookup('::'), null);
    assert.deepEqual(lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), { asn: 64512, country: 'SE', org: 'TOP-OF-SPACE' });
    assert.deepEqual(lookup('fe80::1%eth0'), null);
    assert.deepEqual(lookup('2001:db8::1%eth0'), JP); // a zone id is ignored
    assert.equal(lookup('1.0.0.1'), null); // no IPv4 file loaded
  });

  it('a combined file, gzipped without the .gz extension (told by the magic bytes), rows out of order', async () => {
    const lines = (V4 + V6).split(/\r?\n/).filter(Boolean).reverse().join('\n');
    const db = await loadGeoLookup([file('ip2asn-combined.tsv', gzipSync(lines))]);
    assert.equal(db.ranges, 8);
    assert.deepEqual(db.lookup('1.0.0.255'), CF);
    assert.deepEqual(db.lookup('203.0.113.0'), EX);
    assert.equal(db.lookup('203.0.113.128'), null);
    assert.deepEqual(db.lookup('2001:db8::abcd')?.asn, 64510);
    assert.equal(db.lookup('2001:db9::100'), null);
  });

  it('several files (IPv4 + IPv6) and the numeric ip2asn-v4-u32 form', async () => {
    const u32 = file('ip2asn-v4-u32.tsv', tsv([['16777216', '16777471', '13335', 'US', 'CLOUDFLARENET'], ['4294967296', '4294967297', '1', 'US', 'TOO-BIG']]));
    const db = await loadGeoLookup([u32, file('two-v6.tsv', V6)]);
    assert.equal(db.ranges, 4);
    assert.equal(db.malformed, 1);
    assert.deepEqual(db.lookup('1.0.0.0'), CF);
    assert.deepEqual(db.lookup('1.0.0.255'), CF);
    assert.equal(db.lookup('1.0.1.0'), null);
    assert.equal(db.lookup('2001:db8::1')?.country, 'JP');
  });

  it('a file that is missing, empty, has no valid row, or is a broken gzip: LNMT_ERR_CONFIG naming the key and the path', async () => {
    const missing = join(dir, 'nope.tsv');
    const e1 = await rejectsWith(loadGeoLookup([missing]), 'threat.geoip.files[0]', missing);
    assert.equal(e1.details[0]?.where, 'threat.geoip.files[0]');
    assert.equal(e1.details[0]?.value, missing);
    await rejectsWith(loadGeoLookup([file('empty.tsv', '')]), 'threat.geoip.files[0]', 'empty.tsv', 'empty');
    const csv = file('GeoLite2-ASN-Blocks-IPv4.csv', 'network,autonomous_system_number,autonomous_system_organization\n1.0.0.0/24,13335,CLOUDFLARENET\n');
    const e3 = await rejectsWith(loadGeoLookup([file('ok.tsv', V4), csv]), 'threat.geoip.files[1]', csv, 'line 1');
    assert.ok(e3.details[0]?.allowed?.includes('ip2asn'));
    const truncated = gzipSync(V4).subarray(0, 40);
    await rejectsWith(loadGeoLookup([file('broken.tsv.gz', truncated)]), 'threat.geoip.files[0]', 'broken.tsv.gz');
    await rejectsWith(loadGeoLookup([dir]), 'threat.geoip.files[0]', dir);
    await rejectsWith(loadGeoLookup([file('binary.bin', Buffer.alloc(1_200_000, 0x41))]), 'threat.geoip.files[0]', 'longer than');
  });

  it('threat.geoip.files is a valid config key; an unknown key under it is not', () => {
    const good = file('good.yaml', `threat:\n  geoip:\n    files: [${join(dir, 'ip2asn-v4.tsv')}]\n`);
    assert.deepEqual(loadConfig({ file: good, env: {}, cwd: dir }).config.threat?.geoip, { files: [join(dir, 'ip2asn-v4.tsv')] });
    const bad = file('bad.yaml', 'threat:\n  geoip:\n    file: x.tsv\n');
    assert.throws(() => loadConfig({ file: bad, env: {}, cwd: dir }), (err: unknown) => isLnmtError(err) && err.details.some((d) => d.where.includes('threat.geoip')));
  });

  describe('through ThreatService', () => {
    const d = sqliteDialect();
    after(() => d.cleanup());

    function service(store: Awaited<ReturnType<typeof d.open>>, threat: Record<string, unknown>) {
      const c = defaultConfig();
      c.node.name = 'hub-test';
      c.threat = threat;
      const bus = new MemoryBus({ logger: silentLogger() });
      return { bus, svc: new ThreatService({ store, bus, config: c, logger: silentLogger(), clock: new TestClock(T0 + 60_000) }) };
    }

    it('a new source in the file gets its profile geo; one outside gets null; queries return it', async () => {
      const store = await d.open();
      const v4 = file('svc-v4.tsv.gz', gzipSync(V4));
      const { bus, svc } = service(store, { geoip: { files: [v4] } });
      await svc.start();
      await bus.publish([connect(T0, '203.0.113.10', 22), connect(T0 + 1, '198.51.100.20', 22)]);
      await bus.drain();
      const hit = await svc.queries.attacker('203.0.113.10', { events: 5, detections: 5 });
      assert.deepEqual(hit?.attacker.geo, EX);
      const miss = await svc.queries.attacker('198.51.100.20', { events: 5, detections: 5 });
      assert.ok(miss);
      assert.equal(miss.attacker.geo, null);
      await svc.pipeline.flush();
      const row = await svc.repos.profiles.get('ip', '203.0.113.10');
      assert.deepEqual((JSON.parse(row!.body) as { geo: unknown }).geo, EX);
      await svc.stop();
    });

    it('a source stored before the database was configured gets its geo at its next event', async () => {
      const store = await d.open();
      const before = service(store, {});
      await before.svc.start();
      await before.bus.publish([connect(T0, '203.0.113.11', 22)]);
      await before.bus.drain();
      await before.svc.stop();
      assert.equal((await before.svc.queries.attacker('203.0.113.11', { events: 1, detections: 1 }))?.attacker.geo, null);
      const { bus, svc } = service(store, { geoip: { files: [file('svc-later.tsv', V4)] } });
      await svc.start();
      await bus.publish([connect(T0 + 2, '203.0.113.11', 23)]);
      await bus.drain();
      assert.deepEqual((await svc.queries.attacker('203.0.113.11', { events: 5, detections: 5 }))?.attacker.geo, EX);
      await svc.stop();
    });

    it('an unreadable database file stops start() with the key and the path', async () => {
      const store = await d.open();
      const missing = join(dir, 'missing-ip2asn.tsv');
      const { svc } = service(store, { geoip: { files: [missing] } });
      await rejectsWith(svc.start(), 'threat.geoip.files[0]', missing);
    });

    it('an injected geo lookup wins over the files', async () => {
      const store = await d.open();
      const c = defaultConfig();
      c.threat = { geoip: { files: [join(dir, 'missing-too.tsv')] } };
      const bus = new MemoryBus({ logger: silentLogger() });
      const svc = new ThreatService({ store, bus, config: c, logger: silentLogger(), clock: new TestClock(T0 + 60_000), geo: () => ({ country: 'IS' }) });
      await svc.start();
      await bus.publish([connect(T0, '192.0.2.33', 22)]);
      await bus.drain();
      assert.deepEqual((await svc.queries.attacker('192.0.2.33', { events: 1, detections: 1 }))?.attacker.geo, { country: 'IS' });
      await svc.stop();
    });
  });
});
