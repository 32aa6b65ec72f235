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
import { TEST_PERSONA } from './persona-fixture.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-sensor-'));
  dirs.push(dir);
  const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
  config.honeynet.services.telnet.port = port; // 0: any free port (the schema allows 1-65535 for users)
  config.honeynet.services.telnet.bind = '127.0.0.1';
  const status = new Map<string, { status: string; detail: string }>();
  const sensor = new Sensor({
    config, bus: new MemoryBus({ logger: silentLogger() }), logger: silentLogger(), cwd: dir, persona: async () => TEST_PERSONA,
    services: { shell: () => ({ prompt: () => '$ ', execute: async () => ({ output: '', exit: false }) }) },
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
