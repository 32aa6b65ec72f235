/**
 * The sensor side of the `honeypot` benchmark, in a process of its own: SSH and Telnet on loopback ports with
 * the failure delay at zero and the limits raised (one source address sends everything), a bus subscriber that
 * timestamps `honeypot.connect` events for the trigger latency, and a tiny control protocol on stdin:
 * `rss` → current RSS (this process plus its worker processes), `lat` → the connect latencies seen since the
 * last `lat`. argv: sshPort telnetPort workers maxConnections
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// The compiled modules (dist/, from `npm run build`), as `lnmt` runs them: the worker processes then start from
// compiled JavaScript too, without the TypeScript loader and its memory.
const dist = <T>(p: string): Promise<T> => import(new URL(`../dist/${p}`, import.meta.url).href) as Promise<T>;
if (!existsSync(new URL('../dist/honeynet/sensor.js', import.meta.url))) throw new Error('dist/ is missing: run `npm run build` first');
const { MemoryBus } = await dist<typeof import('../src/core/bus/memory-bus.js')>('core/bus/memory-bus.js');
const { loadConfig } = await dist<typeof import('../src/core/config/load-config.js')>('core/config/load-config.js');
const { silentLogger } = await dist<typeof import('../src/core/logger.js')>('core/logger.js');
const { generatePersona } = await dist<typeof import('../src/honeynet/persona/generate-persona.js')>('honeynet/persona/generate-persona.js');
const { emulatedShell } = await dist<typeof import('../src/honeynet/shell-adapter.js')>('honeynet/shell-adapter.js');
const { Sensor } = await dist<typeof import('../src/honeynet/sensor.js')>('honeynet/sensor.js');

const dir = mkdtempSync(join(tmpdir(), 'lnmt-bench-honeypot-'));
const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
const hn = config.honeynet;
hn.workers = Number(process.argv[4] ?? 1) || 1;
const maxConnections = Number(process.argv[5] ?? 19_500) || 19_500;
hn.limits = { ...hn.limits, maxBytesOutPerSession: 1 << 30, maxConnections, maxPerIp: maxConnections, connectsPerMinutePerIp: 100_000_000, idleTimeoutSec: 600 };
// Every service on a free loopback port, failure delays off, never letting a guess in (the shell test below
// gets its own account).
for (const s of Object.values(hn.services) as Array<{ port: number; bind: string; failDelayMs?: number; auth?: unknown; maxAttempts?: number }>) {
  s.bind = '127.0.0.1';
  s.port = 0;
  if ('failDelayMs' in s) s.failDelayMs = 0;
  if ('auth' in s) s.auth = { mode: 'never' };
  if ('maxAttempts' in s) s.maxAttempts = 100;
}
// One account that gets in, for the shell test (the password-attempt test never guesses it).
hn.services.ssh.auth = { mode: 'credentials', credentials: [{ username: 'root', password: 'bench-shell-Xy7' }] };
hn.services.ssh.port = Number(process.argv[2] ?? 0) || 0;
hn.services.telnet.port = Number(process.argv[3] ?? 0) || 0;
// The generic banners on free ports, the 100 default decoys on loopback (30000-30099 stand for the 100 most
// scanned free ports).
hn.banners = hn.banners.map((b) => ({ ...b, bind: '127.0.0.1', port: 0 }));
hn.decoys = { ...hn.decoys, bind: '127.0.0.1' };
const bus = new MemoryBus({ logger: silentLogger() });
/** [client port, wall-clock ms when the event reached the bus subscriber] per connect. */
let lat: Array<[number, number]> = [];
bus.subscribe({ name: 'bench', types: ['honeypot.connect'] }, async (events) => {
  const now = performance.timeOrigin + performance.now();
  for (const e of events) if (e.type === 'honeypot.connect') lat.push([e.data.src_port, now]);
});
/** Resident set of another process, from /proc (bytes). */
function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const persona = generatePersona();
const sensor = new Sensor({ config, bus, logger: silentLogger(), cwd: dir, persona: async () => persona, services: { shell: emulatedShell() } });
await sensor.start();
const decoys = sensor.addresses.filter((a) => a.service === 'decoy').map((a) => a.port);
const ports = Object.fromEntries(sensor.addresses.filter((a) => a.service !== 'decoy').map((a) => [a.service, a.port]));
// Decoys listen on consecutive ports: `decoy` is the first, the clients spread over `decoys` of them.
process.stdout.write(`${JSON.stringify({ ports: { ...ports, ...(decoys.length ? { decoy: Math.min(...decoys) } : {}) }, decoys: decoys.length })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') {
    const workers = sensor.workerLoad().map((w) => ({ pid: w.pid, open: w.open, rss: w.pid ? rssOf(w.pid) : 0 }));
    const rss = process.memoryUsage().rss + workers.reduce((n, w) => n + w.rss, 0);
    process.stdout.write(`${JSON.stringify({ rss, primary: process.memoryUsage().rss, workers })}\n`);
  }
  else if (line === 'done') process.stdout.write(`${JSON.stringify({ done: true })}\n`);
  else if (line === 'lat') {
    process.stdout.write(`${JSON.stringify({ lat })}\n`);
    lat = [];
  }
}
await sensor.stop();
process.exit(0);
