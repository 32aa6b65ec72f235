/**
 * The sensor side of the `honeypot` benchmark, in a process of its own: SSH and Telnet on loopback ports with
 * the failure delay at zero and the limits raised (one source address sends everything), a bus subscriber that
 * timestamps `honeypot.connect` events for the trigger latency, and a tiny control protocol on stdin:
 * `rss` → current RSS, `lat` → the connect latencies seen since the last `lat`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MemoryBus } from '../src/core/bus/memory-bus.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { silentLogger } from '../src/core/logger.js';
import { generatePersona } from '../src/honeynet/persona/generate-persona.js';
import { Sensor } from '../src/honeynet/sensor.js';

const dir = mkdtempSync(join(tmpdir(), 'lnmt-bench-honeypot-'));
const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
const hn = config.honeynet;
hn.limits = { ...hn.limits, maxConnections: 19_500, maxPerIp: 19_500, connectsPerMinutePerIp: 100_000_000, idleTimeoutSec: 600 };
for (const s of [hn.services.ssh, hn.services.telnet]) {
  s.bind = '0.0.0.0';
  s.failDelayMs = 0;
  s.auth = { mode: 'never' };
  s.maxAttempts = 100;
}
hn.services.ssh.port = Number(process.argv[2] ?? 0) || 0;
hn.services.telnet.port = Number(process.argv[3] ?? 0) || 0;
const bus = new MemoryBus({ logger: silentLogger() });
/** [client port, wall-clock ms when the event reached the bus subscriber] per connect. */
let lat: Array<[number, number]> = [];
bus.subscribe({ name: 'bench', types: ['honeypot.connect'] }, async (events) => {
  const now = performance.timeOrigin + performance.now();
  for (const e of events) if (e.type === 'honeypot.connect') lat.push([e.data.src_port, now]);
});
const persona = generatePersona();
const sensor = new Sensor({ config, bus, logger: silentLogger(), cwd: dir, persona: async () => persona, services: { shell: () => ({ prompt: () => '$ ', banner: () => '', execute: async () => ({ output: '', exit: false }) }) } });
await sensor.start();
process.stdout.write(`${JSON.stringify({ ports: Object.fromEntries(sensor.addresses.map((a) => [a.service, a.port])) })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`);
  else if (line === 'lat') {
    process.stdout.write(`${JSON.stringify({ lat })}\n`);
    lat = [];
  }
}
await sensor.stop();
process.exit(0);
