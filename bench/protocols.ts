/**
 * `npm run bench -- protocols [--seconds 10] [--clients 50] [--load-seconds 60] [--latency 300]`
 *
 * Every honeypot service of one sensor (default config, compiled modules, failure delays 0, loopback ports), in a
 * process of its own. Measures, per service:
 *   - connections with one complete failed login each, per second, at 50 concurrent clients (the clients in
 *     bench/_protocol-clients.ts speak each protocol from its specification);
 *   - trigger latency: TCP connect → `honeypot.connect` delivered on the bus, p50/p99;
 * and for the whole sensor: RSS at idle, and its peak under a mixed load (every service at once) for 60 s.
 * The issue names no peer figures for these; the table shows the targets where it names them.
 */
import { printTable, writeResult, option } from './harness.js';
import { LOGIN_ATTEMPTS as BASE_ATTEMPTS } from './_protocol-clients.js';
import { WINDOWS_WEB_ATTEMPTS } from './_windows-web-clients.js';

const LOGIN_ATTEMPTS = { ...BASE_ATTEMPTS, ...WINDOWS_WEB_ATTEMPTS };
import { child, nextJson, triggerLatency } from './_sensor-child.js';

interface Rate {
  perSecond: number;
  failures: number;
  firstError?: string;
}

async function loginRate(service: string, port: number, clients: number, seconds: number): Promise<Rate> {
  const attempt = LOGIN_ATTEMPTS[service]!;
  const end = Date.now() + seconds * 1000;
  let ok = 0;
  let failures = 0;
  let firstError: string | undefined;
  let n = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      try {
        await attempt(port, n++);
        ok++;
      } catch (err) {
        failures++;
        firstError ??= (err as Error).message;
      }
    }
  }));
  return { perSecond: ok / seconds, failures, ...(firstError ? { firstError } : {}) };
}

export async function run(args: string[]): Promise<void> {
  const seconds = option(args, 'seconds', 10);
  const clients = option(args, 'clients', 50);
  const loadSeconds = option(args, 'load-seconds', 60);
  const latencyN = option(args, 'latency', 300);
  /** `--only http,https`: measure these services alone (the mixed load then runs them only). */
  const only = option(args, 'only', '').split(',').filter(Boolean);
  const sensor = child('_honeypot-sensor.ts', ['0', '0', '1', '20000']);
  const send = (l: string) => sensor.proc.stdin!.write(`${l}\n`);
  try {
    const { ports, decoys } = await nextJson<{ ports: Record<string, number>; decoys: number }>(sensor.lines);
    const services = Object.keys(ports).filter((s) => s in LOGIN_ATTEMPTS && (only.length === 0 || only.includes(s)));
    await new Promise((r) => setTimeout(r, 1000));
    send('rss');
    const idle = await nextJson<{ rss: number }>(sensor.lines);
    const rows = [];
    const figures: Record<string, unknown> = {};
    for (const service of services) {
      process.stderr.write(`${service}: logins (${clients} clients, ${seconds} s), trigger latency (${latencyN} connects)...\n`);
      const rate = await loginRate(service, ports[service]!, clients, seconds);
      await new Promise((r) => setTimeout(r, 1000)); // let the login load's closes and GC settle first
      const lat = await triggerLatency(ports[service]!, sensor, latencyN, 'paced');
      figures[service] = { logins_per_s: rate.perSecond, failures: rate.failures, first_error: rate.firstError, trigger_latency_ms: lat };
      rows.push({ service, 'logins/s': Math.round(rate.perSecond), failed: rate.failures, 'trigger p50 (ms)': lat.p50, 'trigger p99 (ms)': lat.p99, target: 'p99 < 5 ms' });
      if (rate.firstError) process.stderr.write(`  ${service}: ${rate.failures} failed, first: ${rate.firstError}\n`);
    }
    process.stderr.write(`mixed load: every service at once for ${loadSeconds} s...\n`);
    let peak = idle.rss;
    const sampler = setInterval(() => send('rss'), 1000);
    const sampling = (async () => {
      for (;;) {
        const line = await sensor.lines.next();
        if (line === null) return;
        const m = JSON.parse(line) as { rss?: number; done?: boolean };
        if (m.done) return;
        if (m.rss) peak = Math.max(peak, m.rss);
      }
    })();
    const perService = Math.max(2, Math.floor(clients / services.length));
    const mixed = await Promise.all(services.map((s) => loginRate(s, ports[s]!, perService, loadSeconds)));
    clearInterval(sampler);
    send('done');
    await sampling;
    const total = mixed.reduce((a, r) => a + r.perSecond, 0);
    rows.push({ service: `all ${services.length} at once (${perService} clients each, ${loadSeconds} s)`, 'logins/s': Math.round(total), failed: mixed.reduce((a, r) => a + r.failures, 0), 'trigger p50 (ms)': null, 'trigger p99 (ms)': null, target: null });
    printTable(rows);
    printTable([
      { measure: 'sensor RSS idle, every service listening (MB)', value: Math.round(idle.rss / 1048576) },
      { measure: `sensor RSS peak under the mixed load (MB)`, value: Math.round(peak / 1048576) },
      { measure: 'decoy ports listening (in the RSS above)', value: decoys },
    ]);
    const file = writeResult('protocols', { params: { seconds, clients, loadSeconds, latencyN }, services: figures, mixed_logins_per_s: total, rss_idle: idle.rss, rss_peak: peak });
    process.stdout.write(`written ${file}\n`);
  } finally {
    sensor.proc.stdin!.end();
    sensor.proc.kill();
  }
}
