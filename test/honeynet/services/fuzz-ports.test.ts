/**
 * Hostile bytes at the SSH and Telnet ports of a running sensor (the real emulated shell behind them): random
 * payloads, random chunking, abrupt closes. Nothing may crash, every session must end, memory stays bounded, and
 * a normal Telnet login still works afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryBus } from '../../../src/core/bus/memory-bus.js';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Sensor } from '../../../src/honeynet/sensor.js';
import { emulatedShell } from '../../../src/honeynet/shell-adapter.js';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { TEST_PERSONA } from '../persona-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'lnmt-fuzz-'));
const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
for (const s of [config.honeynet.services.ssh, config.honeynet.services.telnet]) {
  s.port = 0;
  s.bind = '127.0.0.1';
  s.failDelayMs = 0;
}
config.honeynet.services.telnet.auth = { mode: 'after', attempts: 1 };
config.honeynet.limits.connectsPerMinutePerIp = 1_000_000;
config.honeynet.limits.maxPerIp = 1000;
const persona = { ...TEST_PERSONA, hostKeys: generateHostKeys(TEST_PERSONA.hostname) };
const sensor = new Sensor({ config, bus: new MemoryBus({ logger: silentLogger() }), logger: silentLogger(), cwd: dir, persona: async () => persona, services: { shell: emulatedShell() } });
const ports: Record<string, number> = {};

before(async () => {
  await sensor.start();
  for (const a of sensor.addresses) ports[a.service] = a.port;
});
after(async () => {
  await sensor.stop();
  rmSync(dir, { recursive: true, force: true });
});

function blast(port: number, chunks: Uint8Array[]): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
      setTimeout(() => s.destroy(), 20);
    });
  });
}

describe('hostile input at the honeypot ports', { timeout: 120_000 }, () => {
  it('random bytes, random chunking and abrupt closes at SSH and Telnet never crash the sensor', async () => {
    const rss0 = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ssh', 'telnet'), fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 8 }), async (svc, chunks) => {
        await blast(ports[svc]!, chunks);
      }),
      { numRuns: 150 },
    );
    // Protocol-shaped garbage too: a valid SSH banner then junk; Telnet IAC storms and endless subnegotiation.
    await blast(ports.ssh!, [Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'), Buffer.alloc(70_000, 0x41)]);
    await blast(ports.telnet!, [Buffer.alloc(100_000, 0xff), Buffer.from([255, 250, 24]), Buffer.alloc(100_000, 0x42)]);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(process.memoryUsage().rss - rss0 < 200 * 1024 * 1024, 'memory stayed bounded');
  });

  it('still serves a normal Telnet login and shell afterwards', async () => {
    const s = connect(ports.telnet!, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    const until = async (t: string) => {
      const end = Date.now() + 10_000;
      while (!got.includes(t)) {
        if (Date.now() > end) assert.fail(`never got ${t}: ${JSON.stringify(got.slice(-200))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    s.write(Buffer.from([255, 252, 24, 255, 252, 32, 255, 252, 35, 255, 252, 39])); // WONT to telnetd's first DOs
    await until('login: ');
    s.write('root\r\n');
    await until('Password: ');
    s.write('x\r\n');
    await until('# ');
    s.write('cat /etc/hostname\r\n');
    await until(`${persona.hostname}\r\n`);
    s.destroy();
  });
});
