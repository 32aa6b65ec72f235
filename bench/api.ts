/**
 * `npm run bench -- api [--duration 20] [--connections 50] [--devices 10000] [--warmup 3] [--updates 500000]`
 * (or BENCH_DURATION, BENCH_CONNECTIONS, ... in the environment; `--quick` = 3 s runs).
 *
 * 1. Seeds N devices (default 10,000) into a temporary SQLite data dir and creates a viewer token.
 * 2. Starts the real server (`startServer`, the `lnmt serve` code path) in a CHILD process on an ephemeral
 *    loopback port, and drives it with autocannon from this process. Two processes on this 2-core machine:
 *    the server gets a core of its own and autocannon's CPU time (it is single-threaded JavaScript too) is not
 *    counted against the server — in one process both would share one event loop and the figure would
 *    measure autocannon as much as the API.
 *    - `GET /api/devices?limit=100`, default config (the list response cache on);
 *    - the same with the response cache off (a fresh child): every request queries SQLite and serialises 100
 *      rows — the cost of a page the first time after the data changed;
 *    - `GET /api/health`.
 *    RSS of the server child is sampled after each run (and its peak, `maxRSS`).
 * 3. Device status updates per second through the tracker's batched writer (in this process, server
 *    stopped): many concurrent producers (256) each call `tracker.observe()` with small batches (16) of
 *    observations of existing devices, ~10% of them flipping state (so events are emitted and persisted, as in
 *    `serve`). With fewer producers than `store.batch.maxSize` / batch (2000 / 16 = 125), a batch never fills
 *    and every commit waits for the `maxDelayMs` timer instead: 64 producers measure that timer, not the writer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createContext, type AppContext } from '../src/app/context.js';
import { loadConfig } from '../src/core/config/load-config.js';
import { silentLogger } from '../src/core/logger.js';
import type { HostObservation } from '../src/inventory/device-tracker.js';
import { startServer } from '../src/api/server.js';
import { flag, option, printTable, ratio, writeResult, type Cell } from './harness.js';

/** The seed report's figures the issue compares against. */
const SEED = { devicesReqPerSec: 19.2, devicesAvgMs: 52, statusUpdatesPerSec: 1000 / 60 };
const TARGET = { devicesReqPerSec: 5000, devicesP99Ms: 20, statusUpdatesPerSec: 50_000 };

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p50: number; p97_5: number; p99: number; max: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; headers?: Record<string, string>; pipelining?: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SELF = fileURLToPath(import.meta.url);

interface ServerStats {
  rss: number;
  maxRss: number;
  heapUsed: number;
}

function benchConfig(dir: string) {
  const { config } = loadConfig({
    cwd: dir,
    env: {
      LNMT_DATA_DIR: dir,
      LNMT_API__HOST: '127.0.0.1',
      // One token sends every request: lift the per-token limit so the benchmark measures the API, not 429s.
      LNMT_API__RATE_LIMIT__MAX: '1000000000',
      LNMT_LOG__LEVEL: 'warn',
    },
  });
  // An ephemeral port (the config schema only accepts 1..65535 for api.port).
  config.api.port = 0;
  return config;
}

function ipOf(i: number): string {
  const b = i + 1;
  return `10.${(b >> 16) & 255}.${(b >> 8) & 255}.${b & 255}`;
}

function macOf(i: number): string {
  const h = (n: number) => n.toString(16).padStart(2, '0');
  // Every other device has a real OUI (vendor filled in); the rest are randomised (private) MACs.
  return `${i % 2 ? '02:00:00' : '00:1b:63'}:${h((i >> 16) & 255)}:${h((i >> 8) & 255)}:${h(i & 255)}`;
}

async function seed(dir: string, devices: number): Promise<{ token: string; seconds: number }> {
  const ctx = await createContext(benchConfig(dir), { logger: silentLogger(), persistEvents: false });
  const t = performance.now();
  const now = Date.now();
  const obs: HostObservation[] = [];
  for (let i = 0; i < devices; i++) {
    obs.push({ ip: ipOf(i), up: true, method: i % 2 ? 'tcp:22' : 'icmp', rtt_ms: 0.3 + (i % 50) / 10, mac: macOf(i), hostname: `host-${i}.bench.lan`, time: now - (devices - i) * 1000, scan_id: null });
  }
  await ctx.tracker.observe(obs);
  // Every fifth device has since gone offline (an address never seen up is not a device, so: two steps).
  await ctx.tracker.observe(obs.filter((_, i) => i % 5 === 0).map((o) => ({ ...o, up: false, method: null, rtt_ms: null, time: now })));
  const seconds = (performance.now() - t) / 1000;
  const { secret } = await ctx.repos.tokens.create('bench', 'viewer');
  await ctx.close();
  return { token: secret, seconds };
}

/** Starts the server child; resolves with its URL once it listens. */
function startChild(dir: string, cache: boolean): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(SELF, ['--serve', dir, cache ? '--cache' : '--no-cache'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server child exited with code ${code} before listening`)));
    child.once('message', (m: { type: string; url: string }) => {
      if (m.type === 'ready') resolve({ child, url: m.url });
    });
  });
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string; data: T }) => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m.data);
    };
    child.on('message', on);
    child.send({ type });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' });
  await exited;
}

interface LoadFigures {
  label: string;
  path: string;
  reqPerSec: number;
  totalRequests: number;
  p50: number;
  p97_5: number;
  p99: number;
  avg: number;
  max: number;
  mbPerSec: number;
  non2xx: number;
  errors: number;
  rssMb: number;
  maxRssMb: number;
}

async function load(child: ChildProcess, url: string, path: string, label: string, token: string | null, o: { connections: number; duration: number; warmup: number }): Promise<LoadFigures> {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const target = { url: url + path, connections: o.connections, ...(headers ? { headers } : {}) };
  // Warm-up: JIT, SQLite page cache, first cache fill; not measured.
  await autocannon({ ...target, duration: o.warmup });
  const r = await autocannon({ ...target, duration: o.duration });
  const s = await ask<ServerStats>(child, 'stats');
  return {
    label,
    path,
    reqPerSec: r.requests.average,
    totalRequests: r.requests.total,
    p50: r.latency.p50,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    avg: r.latency.average,
    max: r.latency.max,
    mbPerSec: r.throughput.average / 1e6,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    rssMb: s.rss / 2 ** 20,
    maxRssMb: s.maxRss / 2 ** 20,
  };
}

/** Status updates/s through DeviceTracker.observe → BatchWriter → one transaction per batch. */
async function statusUpdates(dir: string, devices: number, total: number, producers: number, batch: number) {
  const ctx = await createContext(benchConfig(dir), { logger: silentLogger(), persistEvents: true });
  await ctx.tracker.init();
  const historyBefore = await countRows(ctx, 'device_status_history');
  const eventsBefore = await countRows(ctx, 'events');
  let next = 0;
  let changes = 0;
  const state = new Map<number, boolean>();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async () => {
      while (next < total) {
        const obs: HostObservation[] = [];
        for (let k = 0; k < batch && next < total; k++, next++) {
          const i = (next * 7919) % devices; // spread over the inventory
          const prev = state.get(i) ?? i % 5 !== 0;
          const up = Math.random() < 0.1 ? !prev : prev;
          if (up !== prev) changes++;
          state.set(i, up);
          obs.push({ ip: ipOf(i), up, method: up ? 'icmp' : null, rtt_ms: up ? 0.5 : null, time: Date.now(), scan_id: null });
        }
        await ctx.tracker.observe(obs);
      }
    }),
  );
  const writeSeconds = (performance.now() - t) / 1000;
  await ctx.bus.drain(); // events persisted too, before we stop the clock a second time
  const allSeconds = (performance.now() - t) / 1000;
  const historyRows = (await countRows(ctx, 'device_status_history')) - historyBefore;
  const events = (await countRows(ctx, 'events')) - eventsBefore;
  const batches = await batchStats(ctx);
  await ctx.close();
  if (historyRows !== total) throw new Error(`expected ${total} history rows written, found ${historyRows}`);
  return { total, producers, batch, changes, events, writeSeconds, allSeconds, perSec: total / writeSeconds, perSecWithEvents: total / allSeconds, ...batches };
}

async function countRows(ctx: AppContext, table: 'device_status_history' | 'events'): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(ctx.store.db);
  return Number(r.rows[0]?.n ?? 0);
}

async function batchStats(ctx: AppContext): Promise<{ commits: number; avgBatch: number }> {
  const m = (await ctx.metrics.batchSize.get()).values;
  const count = m.find((v) => v.metricName === 'lnmt_store_write_batch_size_count' && v.labels.writer === 'device_observations')?.value ?? 0;
  const sum = m.find((v) => v.metricName === 'lnmt_store_write_batch_size_sum' && v.labels.writer === 'device_observations')?.value ?? 0;
  return { commits: count, avgBatch: count ? sum / count : 0 };
}

export async function run(args: string[]): Promise<void> {
  const quick = flag(args, 'quick');
  const duration = option(args, 'duration', quick ? 3 : 20);
  const connections = option(args, 'connections', 50);
  const devices = option(args, 'devices', 10_000);
  const warmup = option(args, 'warmup', quick ? 1 : 3);
  const updates = option(args, 'updates', quick ? 100_000 : 500_000);
  const producers = option(args, 'producers', 256);
  const batch = option(args, 'batch', 16);
  const o = { connections, duration, warmup };

  const dir = mkdtempSync(join(tmpdir(), 'lnmt-bench-api-'));
  try {
    process.stdout.write(`api benchmark: ${devices} devices, ${connections} connections, ${duration} s per run (+${warmup} s warm-up), server in a child process\n`);
    const seeded = await seed(dir, devices);
    process.stdout.write(`seeded ${devices} devices in ${seeded.seconds.toFixed(2)} s\n`);

    const runs: LoadFigures[] = [];
    // A failed load must not leave the server child (and its IPC channel) keeping the benchmark alive.
    const withServer = async (cache: boolean, body: (srv: { child: ChildProcess; url: string }) => Promise<void>) => {
      const srv = await startChild(dir, cache);
      try {
        await body(srv);
      } finally {
        await stopChild(srv.child);
      }
    };
    await withServer(true, async (srv) => {
      runs.push(await load(srv.child, srv.url, '/api/devices?limit=100', 'GET /api/devices?limit=100', seeded.token, o));
      runs.push(await load(srv.child, srv.url, '/api/health', 'GET /api/health', null, o));
    });
    await withServer(false, async (srv) => {
      runs.push(await load(srv.child, srv.url, '/api/devices?limit=100', 'GET /api/devices?limit=100 (response cache off)', seeded.token, o));
    });

    const su = await statusUpdates(dir, devices, updates, producers, batch);

    const list = runs[0]!;
    const rows: Array<Record<string, Cell>> = runs.map((r) => ({
      measurement: r.label,
      'req/s': r.reqPerSec,
      'p50 ms': r.p50,
      'p97.5 ms': r.p97_5,
      'p99 ms': r.p99,
      'avg ms': r.avg,
      'RSS MB': r.rssMb,
      'peak RSS MB': r.maxRssMb,
      'non-2xx': r.non2xx + r.errors,
    }));
    process.stdout.write('\n');
    printTable(rows);
    process.stdout.write('\n');
    const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
    const cmp: Array<Record<string, Cell>> = [
      { figure: '/api/devices req/s', ours: list.reqPerSec, target: `>= ${TARGET.devicesReqPerSec}`, seed: SEED.devicesReqPerSec, 'vs seed': ratio(list.reqPerSec, SEED.devicesReqPerSec), verdict: verdict(list.reqPerSec >= TARGET.devicesReqPerSec) },
      { figure: '/api/devices p99 ms', ours: list.p99, target: `< ${TARGET.devicesP99Ms}`, seed: `${SEED.devicesAvgMs} (avg)`, 'vs seed': ratio(list.avg, SEED.devicesAvgMs, false) + ' (avg)', verdict: verdict(list.p99 < TARGET.devicesP99Ms) },
      { figure: '/api/devices req/s, cache off', ours: runs[2]!.reqPerSec, target: '-', seed: SEED.devicesReqPerSec, 'vs seed': ratio(runs[2]!.reqPerSec, SEED.devicesReqPerSec), verdict: `p99 ${runs[2]!.p99} ms` },
      { figure: 'status updates/s', ours: su.perSec, target: `>= ${TARGET.statusUpdatesPerSec}`, seed: SEED.statusUpdatesPerSec, 'vs seed': ratio(su.perSec, SEED.statusUpdatesPerSec), verdict: verdict(su.perSec >= TARGET.statusUpdatesPerSec) },
    ];
    printTable(cmp);
    process.stdout.write(
      `\nstatus updates: ${su.total} observations from ${su.producers} concurrent producers in batches of ${su.batch}: ${su.writeSeconds.toFixed(2)} s ` +
        `(${su.commits} commits, ${su.avgBatch.toFixed(0)} per commit on average; ${su.changes} state changes → ${su.events} events persisted, ` +
        `${Math.round(su.perSecWithEvents)}/s counting until every event was stored)\n`,
    );
    const errors = runs.filter((r) => r.non2xx + r.errors > 0);
    if (errors.length > 0) process.stdout.write(`WARNING: non-2xx responses or errors in: ${errors.map((r) => r.label).join(', ')}\n`);
    const file = writeResult('api', {
      command: `npm run bench -- api ${args.join(' ')}`.trim(),
      setup: { devices, connections, durationSec: duration, warmupSec: warmup, seedSeconds: seeded.seconds, server: 'child process (startServer), autocannon in the parent' },
      targets: TARGET,
      seedReport: SEED,
      http: runs,
      statusUpdates: su,
    });
    process.stdout.write(`\nresults written to ${file}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child mode: `node --import tsx bench/api.ts --serve <dataDir> --cache|--no-cache`. */
async function serve(dir: string, cache: boolean): Promise<void> {
  const ctx = await createContext(benchConfig(dir), { logger: silentLogger() });
  const server = await startServer(ctx, { logger: false, responseCache: cache });
  const stats = (): ServerStats => {
    const mem = process.memoryUsage();
    return { rss: mem.rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: mem.heapUsed };
  };
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stats') process.send!({ type: 'stats', data: stats() });
    if (m.type === 'stop') {
      await server.close();
      await ctx.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url: server.url });
}

if (process.argv[1] === SELF && process.argv[2] === '--serve') {
  await serve(process.argv[3]!, process.argv[4] !== '--no-cache');
}
