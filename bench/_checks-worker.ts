/**
 * One side of the `checks` benchmark, in a process of its own so CPU and RSS are its alone:
 *   lnmt   the monitor as `lnmt serve` runs it (one loop, batched writes, events on the bus and in the store);
 *   naive  the design the issue warns against: one setInterval per check and one INSERT per result.
 * Both use the same check-type modules against the same local servers. Prints a JSON line of figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import Value from 'typebox/value';
import { createContext } from '../src/app/context.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { silentLogger } from '../src/core/logger.js';
import { getCheckType } from '../src/monitor/types/index.js';
import { ScheduleStats } from '../src/monitor/schedule-stats.js';

const [mode, checksArg, intervalArg, secondsArg, portsJson] = process.argv.slice(2);
const N = Number(checksArg);
const intervalMs = Number(intervalArg) * 1000;
const seconds = Number(secondsArg);
const ports = JSON.parse(portsJson!) as { tcp: number[]; http: number[] };
const targets = Array.from({ length: N }, (_, i) =>
  i % 2 === 0 ? { type: 'tcp', target: `127.0.0.1:${ports.tcp[i % ports.tcp.length]}` } : { type: 'http', target: `http://127.0.0.1:${ports.http[i % ports.http.length]}/health?c=${i}` },
);
const dir = mkdtempSync(join(tmpdir(), `lnmt-bench-checks-${mode}-`));

const rss: number[] = [];
const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 1000);
const loop = monitorEventLoopDelay({ resolution: 10 });

async function runLnmt(): Promise<Record<string, number | null>> {
  const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
  const ctx = await createContext(config, { logger: silentLogger(), persistEvents: true });
  const t0 = performance.now();
  for (const [i, t] of targets.entries()) await ctx.monitor.create({ ...t, name: `c${i}`, intervalSec: intervalMs / 1000, timeoutMs: 5000, retries: 1 });
  const createMs = performance.now() - t0;
  await ctx.monitor.start();
  const stats = ctx.monitor.service.stats;
  stats.reset();
  loop.enable();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  loop.disable();
  const out = summarize(stats, cpu, wall);
  await ctx.monitor.stop();
  const stored = await ctx.store.db.selectFrom('check_results').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await ctx.close();
  return { ...out, stored: Number(stored.n), create_ms: Math.round(createMs) };
}

async function runNaive(): Promise<Record<string, number | null>> {
  const db = new BetterSqlite3(join(dir, 'naive.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE results (id INTEGER PRIMARY KEY, check_id INTEGER, time INTEGER, ok INTEGER, latency_ms REAL, message TEXT)');
  const insert = db.prepare('INSERT INTO results (check_id, time, ok, latency_ms, message) VALUES (?, ?, ?, ?, ?)');
  const stats = new ScheduleStats();
  const deps = { ping: null, pingUnavailable: 'off', device: async () => null, now: Date.now };
  const timers: NodeJS.Timeout[] = [];
  const start = Date.now();
  loop.enable();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  targets.forEach((t, i) => {
    const type = getCheckType(t.type);
    const target = type.normalizeTarget(t.target, null);
    const params = Value.Default(type.params, {}) as Record<string, unknown>;
    const offset = Math.floor(Math.random() * intervalMs);
    let k = 0;
    const fire = async () => {
      const due = start + offset + k * intervalMs;
      k++;
      stats.observeDrift(Date.now() - due);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 5000);
      const o = await type.run({ target, params, timeoutMs: 5000, signal: ac.signal, deviceId: null }, deps).catch((e: Error) => ({ ok: false, latencyMs: null, message: e.message }));
      clearTimeout(timer);
      stats.runs++;
      if (!o.ok) stats.failures++;
      insert.run(i, Date.now(), o.ok ? 1 : 0, o.latencyMs, o.message);
    };
    timers.push(setTimeout(() => {
      void fire();
      timers.push(setInterval(() => void fire(), intervalMs));
    }, offset));
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  loop.disable();
  for (const t of timers) clearTimeout(t);
  const stored = (db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
  db.close();
  return { ...summarize(stats, cpu, wall), stored };
}

function summarize(stats: ScheduleStats, cpu: NodeJS.CpuUsage, wallMs: number): Record<string, number | null> {
  return {
    runs: stats.runs,
    failures: stats.failures,
    checks_per_s: Math.round((stats.runs / (wallMs / 1000)) * 10) / 10,
    drift_p50_ms: stats.driftQuantile(0.5),
    drift_p99_ms: stats.driftQuantile(0.99),
    drift_max_ms: stats.driftQuantile(1),
    skipped_slots: stats.missed + stats.overlapped,
    cpu_pct_of_one_core: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
    loop_delay_p99_ms: Math.round(loop.percentile(99) / 1e4) / 100,
  };
}

const figures = mode === 'lnmt' ? await runLnmt() : await runNaive();
clearInterval(sampler);
figures.rss_max_mb = Math.round(Math.max(...rss, process.memoryUsage().rss) / 1048576);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
