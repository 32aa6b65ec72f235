/**
 * Each blocklist format on known entries: plain, JSON, the nft script (structure, and loaded by `nft -f` in a
 * network namespace of its own: twice, with overlapping entries collapsed), ipset restore input (parsed by
 * `ipset restore` when ipset is installed) and the STIX 2.1 bundle (checked against the spec's required
 * properties and formats). Root and nft are required under CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import type { BlocklistEntry } from '../../src/response/decision.js';
import { collapse, nftChangeScript } from '../../src/response/enforce/nft-script.js';
import { commandRunner } from '../../src/response/enforce/nft-runner.js';
import type { ExportContext } from '../../src/response/exporters/blocklist-format.js';
import { BLOCKLIST_FORMATS } from '../../src/response/exporters/index.js';
import { uuidv5 } from '../../src/response/exporters/stix-format.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const H = 3_600_000;
const ctx: ExportContext = { now: NOW, node: 'sensor-1', cursor: 42, nft: { table: 'lnmt_test', set: 'banned' } };

function entry(target: string, expiresIn: number | null, i: number): BlocklistEntry {
  return { id: `0195a000-0000-7000-8000-${String(i).padStart(12, '0')}`, target, family: target.includes(':') ? 6 : 4, reason: `reason ${i}`, origin: i % 2 ? 'rule' : 'manual', rule: i % 2 ? 'ssh-brute' : null, created_at: NOW - H, expires_at: expiresIn === null ? null : NOW + expiresIn };
}

const ENTRIES: BlocklistEntry[] = [
  entry('203.0.113.7', 4 * H, 1),
  entry('198.51.100.0/24', null, 2),
  entry('198.51.100.77', 2 * H, 3), // inside the /24: collapsed for nft
  entry('2001:db8::/48', 1500, 4),
  entry('2001:db8:1::5', 24 * H, 5),
];

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function kernelSkip(): string | false {
  const why = !which('nft') ? 'nft not installed' : process.getuid?.() !== 0 ? 'needs root' : false;
  if (why && process.env.CI === 'true') throw new Error(`${why}: the nft blocklist tests must run in CI (as root, with nftables installed)`);
  return why;
}

describe('blocklist formats', () => {
  it('plain: one target per line', () => {
    assert.equal(BLOCKLIST_FORMATS.plain!.render(ENTRIES, ctx), '203.0.113.7\n198.51.100.0/24\n198.51.100.77\n2001:db8::/48\n2001:db8:1::5\n');
    assert.equal(BLOCKLIST_FORMATS.plain!.render([], ctx), '');
  });

  it('json: cursor, count, ISO times, null for permanent', () => {
    const j = JSON.parse(BLOCKLIST_FORMATS.json!.render(ENTRIES, ctx)) as { cursor: string; count: number; items: Array<Record<string, unknown>> };
    assert.equal(j.cursor, '42');
    assert.equal(j.count, 5);
    assert.deepEqual(j.items[0], { id: ENTRIES[0]!.id, target: '203.0.113.7', family: 4, reason: 'reason 1', origin: 'rule', rule: 'ssh-brute', created_at: '2026-03-01T11:00:00.000Z', expires_at: '2026-03-01T16:00:00.000Z' });
    assert.equal(j.items[1]!.expires_at, null);
  });

  it('nft: replaces its table, per-element timeouts rounded up, networks swallow what they contain', () => {
    const s = BLOCKLIST_FORMATS.nft!.render(ENTRIES, ctx);
    assert.match(s, /^table inet lnmt_test\ndelete table inet lnmt_test\ntable inet lnmt_test \{/m);
    assert.match(s, /set banned \{ type ipv4_addr; flags interval, timeout; \}/);
    assert.match(s, /ip saddr @banned drop/);
    assert.match(s, /add element inet lnmt_test banned \{\n {2}198\.51\.100\.0\/24, 203\.0\.113\.7 timeout 14400s\n\}/);
    assert.doesNotMatch(s, /198\.51\.100\.77/);
    assert.match(s, /add element inet lnmt_test banned6 \{\n {2}2001:db8::\/48 timeout 2s, 2001:db8:1::5 timeout 86400s\n\}/);
    assert.deepEqual(collapse([entry('10.0.0.0/16', null, 1), entry('10.0.3.0/24', null, 2), entry('10.0.3.3', null, 3), entry('10.1.0.1', -1, 4), entry('10.0.0.0/16', null, 5)], NOW).map((e) => e.target), ['10.0.0.0/16']);
  });

  it('ipset: hash:net per family, created if missing, flushed, timeouts in seconds', () => {
    const s = BLOCKLIST_FORMATS.ipset!.render(ENTRIES, ctx);
    const lines = s.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['create banned hash:net family inet hashsize 1024 maxelem 1048576 timeout 0 -exist', 'flush banned']);
    assert.ok(lines.includes('add banned 203.0.113.7 timeout 14400 -exist'));
    assert.ok(lines.includes('add banned 198.51.100.0/24 -exist'));
    assert.ok(lines.includes('create banned6 hash:net family inet6 hashsize 1024 maxelem 1048576 timeout 0 -exist'));
    assert.ok(lines.includes('add banned6 2001:db8::/48 timeout 2 -exist'));
  });

  describe('STIX 2.1 bundle', () => {
    const bundle = JSON.parse(BLOCKLIST_FORMATS.stix!.render(ENTRIES, ctx)) as { type: string; id: string; objects: Array<Record<string, unknown>> };
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
    const idOk = (id: unknown, type: string) => typeof id === 'string' && id.startsWith(`${type}--`) && UUID.test(id.slice(type.length + 2));

    it('a bundle (no spec_version on the bundle itself) with a deterministic id', () => {
      assert.equal(bundle.type, 'bundle');
      assert.ok(idOk(bundle.id, 'bundle'), bundle.id);
      assert.equal('spec_version' in bundle, false);
      assert.equal(JSON.parse(BLOCKLIST_FORMATS.stix!.render(ENTRIES, ctx)).id, bundle.id);
      assert.equal(bundle.objects.length, 1 + ENTRIES.length);
    });

    it('an identity with the required properties', () => {
      const id = bundle.objects[0]!;
      assert.equal(id.type, 'identity');
      assert.equal(id.spec_version, '2.1');
      assert.ok(idOk(id.id, 'identity'));
      assert.equal(id.id, `identity--${uuidv5('node:sensor-1')}`);
      for (const k of ['created', 'modified']) assert.match(String(id[k]), TS);
      assert.equal(typeof id.name, 'string');
    });

    it('indicators: required properties, STIX patterns for IPv4/IPv6 addresses and CIDRs, valid_until after valid_from', () => {
      const inds = bundle.objects.slice(1);
      for (const [i, ind] of inds.entries()) {
        const e = ENTRIES[i]!;
        assert.equal(ind.type, 'indicator');
        assert.equal(ind.spec_version, '2.1');
        assert.ok(idOk(ind.id, 'indicator'), String(ind.id));
        for (const k of ['created', 'modified', 'valid_from']) assert.match(String(ind[k]), TS, k);
        assert.equal(ind.created_by_ref, bundle.objects[0]!.id);
        assert.equal(ind.pattern_type, 'stix');
        assert.equal(ind.pattern_version, '2.1');
        assert.deepEqual(ind.indicator_types, ['malicious-activity']);
        assert.equal(ind.pattern, `[${e.family === 4 ? 'ipv4-addr' : 'ipv6-addr'}:value = '${e.target}']`);
        assert.match(String(ind.pattern), /^\[(ipv4-addr|ipv6-addr):value = '[0-9a-f.:/]+'\]$/);
        if (e.expires_at === null) assert.equal('valid_until' in ind, false);
        else assert.ok(Date.parse(String(ind.valid_until)) > Date.parse(String(ind.valid_from)));
      }
    });
  });
});

describe('nft scripts in the kernel', { skip: kernelSkip() }, () => {
  const ns = `lnmtbl${process.pid}`;
  const run = commandRunner(['ip', 'netns', 'exec', ns, 'nft']);
  after(() => {
    spawnSync('ip', ['netns', 'del', ns]);
  });
  const list = (set: string) => execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'set', 'inet', 'lnmt_test', set], { encoding: 'utf8' });

  it('the export loads with nft -f, twice (it replaces itself)', async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    const script = BLOCKLIST_FORMATS.nft!.render(ENTRIES, ctx);
    await run.run(script);
    await run.run(script);
    const v4 = list('banned');
    assert.match(v4, /203\.0\.113\.7 timeout 4h/);
    assert.match(v4, /198\.51\.100\.0\/24/);
    assert.match(list('banned6'), /2001:db8::\/48 timeout 2s/);
    // An empty blocklist is a valid script too.
    await run.run(BLOCKLIST_FORMATS.nft!.render([], ctx));
    assert.doesNotMatch(list('banned'), /203\.0\.113\.7/);
  });

  it('incremental changes: re-adding refreshes the timeout, removing a timed-out element is no error, overlaps fail', async () => {
    await run.run(BLOCKLIST_FORMATS.nft!.render([entry('192.0.2.1', H, 1)], ctx));
    await run.run(nftChangeScript(ctx.nft, [entry('192.0.2.1', 10 * H, 1), entry('192.0.2.2', H, 2)], [entry('192.0.2.3', H, 3)], NOW));
    const v4 = list('banned');
    assert.match(v4, /192\.0\.2\.1 timeout 10h/);
    assert.match(v4, /192\.0\.2\.2 timeout 1h/);
    await run.run(nftChangeScript(ctx.nft, [], [entry('192.0.2.2', H, 2)], NOW));
    assert.doesNotMatch(list('banned'), /192\.0\.2\.2/);
    await run.run(nftChangeScript(ctx.nft, [entry('192.0.2.0/24', null, 4)], [], NOW)).then(
      () => assert.fail('an overlapping network must be refused by nft'),
      (err: Error) => assert.match(err.message, /overlap|exists|conflict/i),
    );
  });
});

function ipsetSkip(): string | false {
  if (which('ipset')) return false;
  if (process.env.CI === 'true') throw new Error('ipset is required in CI (apt-get install ipset)');
  return 'ipset not installed (apt package: ipset)';
}

describe('ipset restore', { skip: ipsetSkip() }, () => {
  const ns = `lnmtis${process.pid}`;
  after(() => {
    spawnSync('ip', ['netns', 'exec', ns, 'ipset', 'destroy']);
    spawnSync('ip', ['netns', 'del', ns]);
  });
  it('parses and loads the export', () => {
    execFileSync('ip', ['netns', 'add', ns]);
    const text = BLOCKLIST_FORMATS.ipset!.render(ENTRIES, ctx);
    execFileSync('ip', ['netns', 'exec', ns, 'ipset', 'restore'], { input: text });
    execFileSync('ip', ['netns', 'exec', ns, 'ipset', 'restore'], { input: text });
    const out = execFileSync('ip', ['netns', 'exec', ns, 'ipset', 'list', 'banned'], { encoding: 'utf8' });
    assert.match(out, /203\.0\.113\.7 timeout \d+/);
    assert.match(out, /198\.51\.100\.0\/24/);
  });
});
