/**
 * `npm run bench -- honeypot [--seconds 10] [--clients 50] [--idle 19000] [--workers 1] [--shell-rounds 400]`
 *
 * The sensor (SSH + Telnet, failure delay 0) in its own process; clients in this one and, for the idle test, in
 * another (the per-process file limit is 20,000). Measures:
 *   - SSH banner exchanges per second at 50 concurrent clients (connect, read the identification line, send
 *     ours, close). Peers, as the issue measured them on a 2-core box: Cowrie 633/s, OpenCanary 1,434/s; target
 *     >= 3× OpenCanary;
 *   - full SSH password-auth attempts per second (a new connection, key exchange and one failed password each,
 *     with ssh2's client);
 *   - trigger latency: TCP connect → `honeypot.connect` delivered on the bus, p50/p99 (target p99 < 5 ms);
 *   - concurrent idle connections held by the sensor (one process, or `--workers N` processes; the clients come
 *     from ceil(idle / 16,000) processes with distinct 127.x source ranges) and its total RSS, workers included.
 *   - the emulated shell: a mix of 25 attacker commands through the engine alone (time per command; target
 *     < 10 ms each) and through one interactive SSH session (line sent → next prompt).
 *   100,000 idle connections: `npm run bench -- honeypot --workers 6 --idle 100000`.
 */
import { connect } from 'node:net';
import ssh2 from 'ssh2';
import { option, printTable, ratio, writeResult } from './harness.js';
import { child, nextJson, triggerLatency } from './_sensor-child.js';
import { shellEngine, shellOverSsh } from './_shell-load.js';

const OPENCANARY = 1434;
const COWRIE = 633;

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

export async function run(args: string[]): Promise<void> {
  const seconds = option(args, 'seconds', 10);
  const clients = option(args, 'clients', 50);
  const idle = option(args, 'idle', 19000);
  const workers = option(args, 'workers', 1);
  const sensor = child('_honeypot-sensor.ts', ['0', '0', String(workers), String(idle + 1000)]);
  try {
    const { ports } = await nextJson<{ ports: { ssh: number; telnet: number } }>(sensor.lines);
    process.stderr.write(`banner exchanges (${clients} clients, ${seconds} s)...\n`);
    const banners = await bannerExchanges(ports.ssh, clients, seconds);
    process.stderr.write('password attempts (10 clients)...\n');
    const auths = await passwordAttempts(ports.ssh, 10, seconds);
    process.stderr.write('trigger latency (2,000 sequential connects)...\n');
    const lat = await triggerLatency(ports.ssh, sensor, 2000, 'first-byte');
    process.stderr.write(`shell: the engine alone, then one SSH session for ${seconds} s...\n`);
    const engine = shellEngine(option(args, 'shell-rounds', 400));
    const viaSsh = await shellOverSsh(ports.ssh, 'root', 'bench-shell-Xy7', seconds);
    sensor.proc.stdin!.write('rss\n');
    const before = await nextJson<{ rss: number }>(sensor.lines);
    const holders = Math.ceil(idle / 16_000);
    process.stderr.write(`holding ${idle} idle SSH connections from ${holders} client processes...\n`);
    const procs = Array.from({ length: holders }, (_, k) => child('_idle-clients.ts', [String(ports.ssh), String(Math.floor(idle / holders) + (k < idle % holders ? 1 : 0)), String(k)]));
    const counts = await Promise.all(procs.map((h) => nextJson<{ open: number; failed: number }>(h.lines)));
    const held = counts.reduce((a, c) => ({ open: a.open + c.open, failed: a.failed + c.failed }), { open: 0, failed: 0 });
    await new Promise((r) => setTimeout(r, 2000));
    sensor.proc.stdin!.write('rss\n');
    const during = await nextJson<{ rss: number; workers: Array<{ open: number; rss: number }> }>(sensor.lines);
    for (const h of procs) {
      h.proc.stdin!.end();
      h.proc.kill();
    }
    const where = workers > 1 ? `${workers} workers: ${during.workers.map((w) => w.open).join(' + ')}` : 'one process';
    const rows = [
      { measure: `SSH banner exchanges/s (${clients} clients, ${workers > 1 ? `${workers} workers` : 'one process'})`, lnmt: Math.round(banners), peer: `OpenCanary ${OPENCANARY}, Cowrie ${COWRIE}`, ratio: ratio(banners, OPENCANARY), target: '>= 3x OpenCanary' },
      { measure: 'SSH password attempts/s (new connection + KEX each)', lnmt: Math.round(auths), peer: null, ratio: null, target: null },
      { measure: 'trigger latency p50 (ms)', lnmt: lat.p50, peer: null, ratio: null, target: null },
      { measure: 'trigger latency p99 (ms)', lnmt: lat.p99, peer: 'seed < 50 ms', ratio: null, target: '< 5 ms' },
      { measure: 'shell commands/s, engine alone (mix of 25 attacker commands)', lnmt: Math.round(engine.perSecond), peer: null, ratio: null, target: null },
      { measure: 'shell command time p99 / max, engine (ms)', lnmt: `${engine.p99Ms.toFixed(2)} / ${engine.maxMs.toFixed(2)}`, peer: null, ratio: null, target: '< 10 ms each' },
      { measure: 'shell commands/s through one SSH session (line -> prompt)', lnmt: Math.round(viaSsh.perSecond), peer: null, ratio: null, target: null },
      { measure: 'shell round trip p99 through SSH (ms)', lnmt: viaSsh.p99Ms, peer: null, ratio: null, target: null },
      { measure: `idle SSH connections held (${where})`, lnmt: held.open, peer: null, ratio: null, target: workers > 1 ? '100,000 in < 2 GB' : '19,000' },
      { measure: 'sensor RSS holding them, workers included (MB)', lnmt: Math.round(during.rss / 1048576), peer: null, ratio: null, target: null },
      { measure: 'sensor RSS idle (MB)', lnmt: Math.round(before.rss / 1048576), peer: null, ratio: null, target: null },
    ];
    printTable(rows);
    const file = writeResult('honeypot', { params: { seconds, clients, idle, workers }, banners_per_s: banners, password_attempts_per_s: auths, trigger_latency_ms: lat, shell_engine: engine, shell_over_ssh: viaSsh, idle_held: held, rss_idle: before.rss, rss_holding: during.rss, workers_holding: during.workers, peers: { opencanary: OPENCANARY, cowrie: COWRIE } });
    process.stdout.write(`written ${file}\n`);
  } finally {
    sensor.proc.stdin!.end();
    sensor.proc.kill();
  }
}
