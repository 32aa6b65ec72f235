/**
 * The sensor as `lnmt serve` runs it: enabled services on their ports with the shared limits, sink and files; a
 * service whose port is taken is reported down while the others run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { Sensor } from '../../src/honeynet/sensor.js';
import { generateHostKeys } from '../../src/honeynet/persona/host-keys.js';
import { TEST_PERSONA } from './persona-fixture.js';

const PERSONA = { ...TEST_PERSONA, hostKeys: generateHostKeys(TEST_PERSONA.hostname) };

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(port: number, tune?: (c: ReturnType<typeof loadConfig>['config']) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-sensor-'));
  dirs.push(dir);
  const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
  config.honeynet.services.telnet.port = port; // 0: any free port (the schema allows 1-65535 for users)
  config.honeynet.services.telnet.bind = '127.0.0.1';
  config.honeynet.services.ssh.enabled = false;
  tune?.(config);
  const status = new Map<string, { status: string; detail: string }>();
  const sensor = new Sensor({
    config, bus: new MemoryBus({ logger: silentLogger() }), logger: silentLogger(), cwd: dir, persona: async () => PERSONA,
    services: { shell: () => ({ prompt: () => '$ ', banner: () => '', execute: async () => ({ output: '', exit: false }) }) },
    onStatus: (name, s) => status.set(name, s),
  });
  return { dir, sensor, status };
}

describe('sensor', () => {
  it('starts the enabled services, logs their events as JSON lines, and stops cleanly', async () => {
    const { dir, sensor, status } = setup(0);
    await sensor.start();
    const [telnet] = sensor.addresses;
    assert.equal(telnet?.service, 'telnet');
    assert.equal(status.get('honeypot:telnet')?.status, 'up');
    const sock = connect(telnet!.port, '127.0.0.1');
    await new Promise((r) => sock.once('data', r));
    sock.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await sensor.stop();
    const log = join(dir, 'honeynet', 'events.jsonl');
    assert.ok(existsSync(log));
    const ids = readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { eventid: string }).eventid);
    assert.deepEqual(ids, ['cowrie.session.connect', 'cowrie.session.closed']);
  });

  it('tarpit mode: SSH gets an endless trickle of pre-banner lines, Telnet NOPs, until the session limit', async () => {
    const { sensor } = setup(0, (c) => {
      c.honeynet.tarpit = { enabled: true, intervalMs: 20 };
      c.honeynet.services.ssh = { ...c.honeynet.services.ssh, enabled: true, port: 0, bind: '127.0.0.1' };
      c.honeynet.limits.maxSessionSec = 1;
    });
    await sensor.start();
    const ports = Object.fromEntries(sensor.addresses.map((a) => [a.service, a.port]));
    const collect = (port: number) =>
      new Promise<{ data: Buffer; ms: number }>((resolve) => {
        const t0 = Date.now();
        let data = Buffer.alloc(0);
        const s = connect(port, '127.0.0.1');
        s.on('data', (d: Buffer) => (data = Buffer.concat([data, d])));
        s.on('error', () => {});
        s.on('close', () => resolve({ data, ms: Date.now() - t0 }));
      });
    const [ssh, telnet] = await Promise.all([collect(ports.ssh!), collect(ports.telnet!)]);
    const lines = ssh.data.toString('latin1').split('\r\n').filter(Boolean);
    assert.ok(lines.length >= 10, `${lines.length} lines in ${ssh.ms} ms`);
    assert.ok(lines.every((l) => !l.startsWith('SSH-') && /^[ -~]{1,33}$/.test(l)), 'never an identification line');
    assert.ok(ssh.ms >= 900, 'held until the session limit');
    assert.ok(telnet.data.length >= 20 && telnet.data.every((b, i) => b === (i % 2 ? 241 : 255)), 'IAC NOP only');
    await sensor.stop();
  });

  it('reports a service whose port is taken as down, without failing', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const { sensor, status } = setup((busy.address() as { port: number }).port);
    await sensor.start();
    assert.equal(status.get('honeypot:telnet')?.status, 'down');
    assert.match(status.get('honeypot:telnet')!.detail, /EADDRINUSE/);
    await sensor.stop();
    busy.close();
  });
});
