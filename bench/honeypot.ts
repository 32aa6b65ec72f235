/**
 * `npm run bench -- honeypot [--seconds 10] [--clients 50] [--idle 19000]`
 *
 * The sensor (SSH + Telnet, failure delay 0) in its own process; clients in this one and, for the idle test, in
 * another (the per-process file limit is 20,000). Measures:
 *   - SSH banner exchanges per second at 50 concurrent clients (connect, read the identification line, send
 *     ours, close). Peers, as the issue measured them on a 2-core box: Cowrie 633/s, OpenCanary 1,434/s; target
 *     >= 3× OpenCanary;
 *   - full SSH password-auth attempts per second (a new connection, key exchange and one failed password each,
 *     with ssh2's client);
 *   - trigger latency: TCP connect → `honeypot.connect` delivered on the bus, p50/p99 (target p99 < 5 ms);
 *   - concurrent idle connections held by one worker and the sensor's RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import ssh2 from 'ssh2';
import { option, printTable, ratio, writeResult } from './harness.js';

const HERE = import.meta.dirname;
const OPENCANARY = 1434;
const COWRIE = 633;

/** JSON lines from a child, taken one at a time (a readline async iterator closes when a loop breaks). */
class JsonLines {
  private readonly queue: string[] = [];
  private readonly waiters: Array<(l: string | null) => void> = [];
  private ended = false;
  constructor(rl: Interface) {
    rl.on('line', (l) => {
      if (!l.trim().startsWith('{')) return;
      const w = this.waiters.shift();
      if (w) w(l);
      else this.queue.push(l);
    });
    rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
  }
  next(): Promise<string | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((r) => this.waiters.push(r));
  }
}

function child(script: string, args: string[]): { proc: ChildProcess; lines: JsonLines } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { proc, lines: new JsonLines(createInterface({ input: proc.stdout! })) };
}

async function nextJson<T>(lines: JsonLines): Promise<T> {
  const l = await lines.next();
  if (l === null) throw new Error('child ended');
  return JSON.parse(l) as T;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

async function bannerExchanges(port: number, clients: number, seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => resolve());
      s.once('data', () => {
        s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n');
        done++;
        s.destroy();
        resolve();
      });
    });
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) await one();
  }));
  return done / seconds;
}

async function passwordAttempts(port: number, clients: number, seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let attempts = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const c = new ssh2.Client();
      c.on('error', () => {
        attempts++;
        resolve();
      });
      c.on('ready', () => {
        c.end();
        resolve();
      });
      c.connect({ host: '127.0.0.1', port, username: 'root', password: `guess${attempts}`, readyTimeout: 10_000, tryKeyboard: false });
    });
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) await one();
  }));
  return attempts / seconds;
}

async function triggerLatency(port: number, lines: JsonLines, proc: ChildProcess, n: number): Promise<{ p50: number; p99: number }> {
  proc.stdin!.write('lat\n');
  await nextJson(lines); // reset
  const starts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      const t0 = performance.timeOrigin + performance.now();
      const s = connect(port, '127.0.0.1', () => starts.set(s.localPort!, t0));
      s.on('error', () => resolve());
      s.once('data', () => {
        s.destroy();
        resolve();
      });
    });
  }
  await new Promise((r) => setTimeout(r, 200));
  proc.stdin!.write('lat\n');
  const { lat } = await nextJson<{ lat: Array<[number, number]> }>(lines);
  const ms = lat.filter(([p]) => starts.has(p)).map(([p, t]) => t - starts.get(p)!);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

export async function run(args: string[]): Promise<void> {
  const seconds = option(args, 'seconds', 10);
  const clients = option(args, 'clients', 50);
  const idle = option(args, 'idle', 19000);
  const sensor = child('_honeypot-sensor.ts', []);
  try {
    const { ports } = await nextJson<{ ports: { ssh: number; telnet: number } }>(sensor.lines);
    process.stderr.write(`banner exchanges (${clients} clients, ${seconds} s)...\n`);
    const banners = await bannerExchanges(ports.ssh, clients, seconds);
    process.stderr.write('password attempts (10 clients)...\n');
    const auths = await passwordAttempts(ports.ssh, 10, seconds);
    process.stderr.write('trigger latency (2,000 sequential connects)...\n');
    const lat = await triggerLatency(ports.ssh, sensor.lines, sensor.proc, 2000);
    sensor.proc.stdin!.write('rss\n');
    const before = await nextJson<{ rss: number }>(sensor.lines);
    process.stderr.write(`holding ${idle} idle SSH connections...\n`);
    const holder = child('_idle-clients.ts', [String(ports.ssh), String(idle)]);
    const held = await nextJson<{ open: number; failed: number }>(holder.lines);
    await new Promise((r) => setTimeout(r, 2000));
    sensor.proc.stdin!.write('rss\n');
    const during = await nextJson<{ rss: number }>(sensor.lines);
    holder.proc.stdin!.end();
    holder.proc.kill();
    const rows = [
      { measure: 'SSH banner exchanges/s (50 clients)', lnmt: Math.round(banners), peer: `OpenCanary ${OPENCANARY}, Cowrie ${COWRIE}`, ratio: ratio(banners, OPENCANARY), target: '>= 3x OpenCanary' },
      { measure: 'SSH password attempts/s (new connection + KEX each)', lnmt: Math.round(auths), peer: null, ratio: null, target: null },
      { measure: 'trigger latency p50 (ms)', lnmt: lat.p50, peer: null, ratio: null, target: null },
      { measure: 'trigger latency p99 (ms)', lnmt: lat.p99, peer: 'seed < 50 ms', ratio: null, target: '< 5 ms' },
      { measure: 'idle SSH connections held (one worker)', lnmt: held.open, peer: null, ratio: null, target: '19,000' },
      { measure: 'sensor RSS holding them (MB)', lnmt: Math.round(during.rss / 1048576), peer: null, ratio: null, target: null },
      { measure: 'sensor RSS idle (MB)', lnmt: Math.round(before.rss / 1048576), peer: null, ratio: null, target: null },
    ];
    printTable(rows);
    const file = writeResult('honeypot', { params: { seconds, clients, idle }, banners_per_s: banners, password_attempts_per_s: auths, trigger_latency_ms: lat, idle_held: held, rss_idle: before.rss, rss_holding: during.rss, peers: { opencanary: OPENCANARY, cowrie: COWRIE } });
    process.stdout.write(`written ${file}\n`);
  } finally {
    sensor.proc.stdin!.end();
    sensor.proc.kill();
  }
}
