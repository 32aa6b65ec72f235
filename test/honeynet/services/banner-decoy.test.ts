/**
 * Generic banner ports and decoy ports, as `lnmt serve` runs them: the listen plan from config (the 100 most
 * scanned free ports by default, ranges, clashes and limits as config errors naming the key), a Dovecot banner
 * nmap recognises, a reply per line, first payloads kept up to the cap, and every decoy connection marked with
 * the port it stands for — what scan detection counts. nmap missing fails under CI=true.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryBus } from '../../../src/core/bus/memory-bus.js';
import { honeynetDefaults } from '../../../src/core/config/sections/honeynet.js';
import { loadConfig } from '../../../src/core/config/load-config.js';
import type { AnyEvent } from '../../../src/core/events.js';
import { LnmtError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { listenPlan, decoyPorts } from '../../../src/honeynet/listen-plan.js';
import { escapeBytes, unescapeBanner } from '../../../src/honeynet/runtime/first-payload.js';
import { Sensor } from '../../../src/honeynet/sensor.js';
import { MOST_SCANNED_FREE_PORTS } from '../../../src/honeynet/services/decoy/most-scanned-ports.js';
import { honeypotServices } from '../../../src/honeynet/services/index.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { missing, nmapServiceLine, run } from './db-services-helper.js';
import { RawClient } from './ftp-smtp-vnc-helpers.js';

const registry = honeypotServices({ shell: () => ({ prompt: () => '$ ', banner: () => '', execute: async () => ({ output: '', exit: false }) }) });

function configError(fn: () => unknown): LnmtError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LnmtError && err.code === 'LNMT_ERR_CONFIG', String(err));
    return err;
  }
  assert.fail('expected a config error');
}

describe('listen plan', () => {
  it('default config: every service on its port, the Dovecot POP3 banner, 100 decoys on 30000-30099 standing for the most scanned free ports', () => {
    const plan = listenPlan(honeynetDefaults(), registry);
    const decoys = plan.ports.filter((p) => p.key === 'decoy');
    assert.equal(decoys.length, 100);
    assert.deepEqual(decoys.map((d) => d.port), Array.from({ length: 100 }, (_, i) => 30000 + i));
    assert.deepEqual(decoys.map((d) => d.connectDetail?.decoy), [...MOST_SCANNED_FREE_PORTS].sort((a, b) => a - b));
    assert.deepEqual(plan.ports.filter((p) => p.key.startsWith('banner:')).map((p) => [p.label, p.port]), [['pop3', 10110]]);
    for (const name of registry.keys()) assert.ok(plan.ports.some((p) => p.key === name), name);
    // None of the decoys stands for a port a real service of ours claims.
    for (const real of [21, 22, 23, 25, 80, 110, 443, 445, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443]) assert.ok(!MOST_SCANNED_FREE_PORTS.includes(real), String(real));
  });

  it('ranges expand, duplicates merge; bad ranges, too many decoys, overflow and port clashes are config errors naming the key', () => {
    assert.deepEqual(decoyPorts([25, '20-23', 21]), [20, 21, 22, 23, 25]);
    assert.match(configError(() => decoyPorts(['9-3'])).details[0]!.where, /honeynet\.decoys\.ports\[0\]/);
    assert.match(configError(() => decoyPorts(['1-65535'])).details[0]!.where, /honeynet\.decoys\.ports/);
    const hn = honeynetDefaults();
    hn.decoys.basePort = 65500;
    assert.equal(configError(() => listenPlan(hn, registry)).details[0]!.where, 'honeynet.decoys.basePort');
    const clash = honeynetDefaults();
    clash.banners[0]!.port = 2222;
    const e = configError(() => listenPlan(clash, registry));
    assert.deepEqual([e.details[0]!.where, e.details[0]!.message], ['honeynet.banners[0].port', 'port 2222 is also used by honeynet.services.ssh.port']);
    const direct = honeynetDefaults();
    direct.decoys.basePort = 0;
    direct.decoys.ports = [7, 9];
    assert.deepEqual(listenPlan(direct, registry).ports.filter((p) => p.key === 'decoy').map((p) => [p.port, p.connectDetail?.decoy]), [[7, 7], [9, 9]]);
  });

  it('banner escapes round-trip; payload previews escape every non-printable byte', () => {
    assert.deepEqual(unescapeBanner('a\\r\\n\\x00\\xffé\\\\'), Buffer.concat([Buffer.from('a\r\n\0\xff', 'latin1'), Buffer.from('é\\', 'utf8')]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const b = Buffer.from(bytes);
        const esc = escapeBytes(b);
        assert.match(esc, /^[\x20-\x7e]*$/);
        assert.deepEqual(unescapeBanner(esc.replace(/[^\x20-\x7e]/g, '')), b.length === 0 ? Buffer.alloc(0) : unescapeBanner(esc));
      }),
    );
  });
});

describe('banner and decoy ports on a running sensor', () => {
  let dir: string;
  let sensor: Sensor;
  const events: AnyEvent[] = [];
  const port = (label: string) => sensor.addresses.find((a) => a.service === label)!.port;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnmt-decoy-'));
    const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
    for (const s of Object.values(config.honeynet.services)) s.enabled = false;
    // The default POP3 banner, and one configured by hand (a Debian Dovecot IMAP greeting).
    const imap = { name: 'imap', port: 0, bind: '127.0.0.1', banner: '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ({distro}) ready.\\r\\n', reply: '', maxPayloadBytes: 64 };
    config.honeynet.banners = [...config.honeynet.banners.map((b) => ({ ...b, port: 0 as number, bind: '127.0.0.1', maxPayloadBytes: 64 })), imap];
    config.honeynet.decoys = { ...config.honeynet.decoys, bind: '127.0.0.1', ports: ['7-9', 13], basePort: 31700, maxPayloadBytes: 32, holdMs: 2000 };
    const bus = new MemoryBus({ logger: silentLogger() });
    bus.subscribe({ name: 't', types: ['honeypot.*'] }, async (b) => void events.push(...b));
    sensor = new Sensor({ config, bus, logger: silentLogger(), cwd: dir, persona: async () => TEST_PERSONA, services: { shell: () => ({ prompt: () => '', banner: () => '', execute: async () => ({ output: '', exit: false }) }) } });
    await sensor.start();
  });
  after(async () => {
    await sensor.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const wait = async <T>(what: string, fn: () => T | undefined, ms = 5000): Promise<T> => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      const v = fn();
      if (v !== undefined) return v;
    }
    throw new Error(`timed out: ${what}`);
  };

  it('listens on every decoy: 31700-31703 standing for 7, 8, 9 and 13', () => {
    assert.deepEqual(sensor.addresses.filter((a) => a.service === 'decoy').map((a) => a.port), [31700, 31701, 31702, 31703]);
  });

  it('a decoy says nothing, keeps the first 32 bytes, and marks the connect with the port it stands for', async () => {
    const c = new RawClient(31703);
    await new Promise((r) => setTimeout(r, 100));
    c.send(Buffer.concat([Buffer.from('GET / HTTP/1.0\r\n\r\n'), Buffer.alloc(40, 0xfe)]));
    const payload = await wait('payload', () => events.find((e) => e.type === 'honeypot.payload' && e.data.service === 'decoy'));
    assert.ok(payload.type === 'honeypot.payload');
    assert.equal(payload.data.size, 32);
    assert.equal(payload.data.truncated, true);
    assert.equal(payload.data.preview, `GET / HTTP/1.0\\r\\n\\r\\n${'\\xfe'.repeat(14)}`);
    const connect = events.find((e) => e.type === 'honeypot.connect' && e.session === payload.session);
    assert.ok(connect?.type === 'honeypot.connect');
    assert.equal(connect.data.decoy, 13);
    assert.equal(connect.data.dst_port, 31703);
    assert.equal(c.bytes.length, 0);
    await c.waitClosed(5000); // held for holdMs, then closed
    const close = await wait('close', () => events.find((e) => e.type === 'honeypot.close' && e.session === payload.session));
    assert.ok(close.type === 'honeypot.close');
    assert.equal(close.data.reason, 'decoy hold time');
  });

  it('the POP3 banner greets as the persona distribution\'s Dovecot, replies per line, and records the first payload', async () => {
    const c = new RawClient(port('pop3'));
    await c.waitFor('+OK Dovecot (Debian) ready.\r\n');
    c.send('USER root\r\nPASS x\r\n');
    await c.waitFor(/(-ERR Unknown command\.\r\n){2}/);
    c.close();
    const p = await wait('pop3 payload', () => events.find((e) => e.type === 'honeypot.payload' && e.data.service === 'pop3'));
    assert.ok(p.type === 'honeypot.payload' && p.data.preview === 'USER root\\r\\nPASS x\\r\\n' && !p.data.truncated);
  });

  it('hostile bytes at banner and decoy ports: no crash, payload bounded, still answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 20_000 }), { maxLength: 4 }), fc.constantFrom('pop3', 'imap', 'decoy'), async (chunks, label) => {
        const c = new RawClient(label === 'decoy' ? 31700 : port(label));
        for (const ch of chunks) c.send(Buffer.from(ch));
        await new Promise((r) => setTimeout(r, 20));
        c.close();
      }),
      { numRuns: 25 },
    );
    await new Promise((r) => setTimeout(r, 300));
    for (const e of events) if (e.type === 'honeypot.payload') assert.ok(e.data.size <= 64, String(e.data.size));
    const c = new RawClient(port('imap'));
    await c.waitFor(/^\* OK \[CAPABILITY IMAP4rev1 .*\] Dovecot \(Debian\) ready\.\r\n$/);
    c.close();
  });

  describe('nmap', { skip: missing('nmap', 'nmap') }, () => {
    it('-sV names Dovecot pop3d', async () => {
      assert.match(await nmapServiceLine(port('pop3')), /open\s+pop3\s+Dovecot pop3d/);
    });

    it('a connect scan of the decoys shows as one decoy connect per port', async () => {
      const before = events.length;
      const r = await run('nmap', ['-sT', '-Pn', '-n', '-p', '31700-31703', '127.0.0.1'], { timeout: 60_000 });
      assert.match(r.stdout, /31700\/tcp\s+open/);
      await new Promise((res) => setTimeout(res, 300));
      const hit = events.slice(before).flatMap((e) => (e.type === 'honeypot.connect' && e.data.decoy !== undefined ? [e.data.decoy] : []));
      assert.deepEqual([...new Set(hit)].sort((a, b) => a - b), [7, 8, 9, 13]);
    });
  });
});
