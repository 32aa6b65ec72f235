/**
 * `npm run bench -- history [--devices 1000] [--results 10000] [--runs 7]`
 *
 * 1,000 devices with one check each and 10,000 raw results per check (10M rows: a week at one result a minute),
 * plus a year of older day aggregates and 90 days of hour aggregates, in a real SQLite file (WAL). Measures:
 *   - raw result ingest rate (batched inserts, 10,000 rows per transaction);
 *   - the rollup of the 10M raw rows into minute/hour/day aggregates;
 *   - the per-device health report (checks, results, up/down, uptime %) over 24 h, 30 d and 1 y, and a 30-day
 *     uptime chart series (hourly and daily points) of one check — all from the aggregates;
 *   - the peer in the same run: the seed report's "optimized" query (GROUP BY over the raw rows, with the index
 *     on the timestamp it adds) for 24 h and 7 d, the widest window the raw rows cover.
 * Targets (issue 3): < 200 ms per query; ingest >= 50,000 rows/s.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Aggregate, bucketOf, STEP_MS } from '../src/monitor/aggregate.js';
import { HistoryService } from '../src/monitor/history.js';
import { rollUp } from '../src/monitor/rollup.js';
import { CheckRepo } from '../src/store/repositories/check-repo.js';
import { CheckResultRepo, type NewCheckResult } from '../src/store/repositories/check-result-repo.js';
import { DeviceRepo } from '../src/store/repositories/device-repo.js';
import { RollupRepo } from '../src/store/repositories/rollup-repo.js';
import { StateRepo } from '../src/store/repositories/state-repo.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { option, printTable, ratio, writeResult } from './harness.js';

const DAY = STEP_MS.d;
const retention = { rawDays: 7, minuteDays: 14, hourDays: 90, dayDays: 400 };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ median: number; p95: number; result: T }> {
  const ms: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)]!, result };
}

export async function run(args: string[]): Promise<void> {
  const nDevices = option(args, 'devices', 1000);
  const perCheck = option(args, 'results', 10000);
  const runs = option(args, 'runs', 7);
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-bench-history-'));
  const store = await openSqliteStore({ dataDir: dir, file: 'lnmt.db', cacheSizeMb: 64, mmapSizeMb: 256, busyTimeoutMs: 5000 });
  try {
    const now = Date.now();
    const devices = new DeviceRepo(store.db, store.dialect);
    const checks = new CheckRepo(store.db, store.dialect);
    const results = new CheckResultRepo(store.db, store.dialect);
    const rollups = new RollupRepo(store.db, store.dialect);
    const state = new StateRepo(store.db);
    const history = new HistoryService({ rollups, retention, now: () => now });

    process.stderr.write(`creating ${nDevices} devices and checks...\n`);
    const ids: string[] = [];
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < nDevices; i++) {
        const d = await devices.insert({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, source: 'manual', hostname: `host-${i}.lan` }, trx);
        const row = { id: `chk-${String(i).padStart(6, '0')}`, name: `ping ${i}`, type: 'icmp', target: d.ip, device_id: Number(d.id), params: '{}', interval_ms: 60_000, timeout_ms: 1000, retries: 1, flap_threshold: 5, flap_window_ms: 600_000, enabled: 1, tags: '[]', state: 'up' as const, state_since: null, streak: 0, flapping: 0, last_run_at: null, last_ok: null, last_latency_ms: null, last_message: null, created_at: now, updated_at: now };
        await trx.insertInto('checks').values(row).execute();
        ids.push(row.id);
      }
    });

    // Raw results: one per check per minute for the last `perCheck` minutes, in time order (as they arrive).
    // Each device is down ~2 % of the time in outages of a few minutes; latencies 0.2-20 ms.
    const r = rng(7);
    const total = nDevices * perCheck;
    const start = bucketOf(now, 'm') - perCheck * 60_000;
    const downUntil = new Array<number>(nDevices).fill(0);
    let batch: NewCheckResult[] = [];
    let ingestMs = 0;
    process.stderr.write(`ingesting ${total.toLocaleString()} raw results...\n`);
    for (let k = 0; k < perCheck; k++) {
      const t = start + k * 60_000;
      for (let i = 0; i < nDevices; i++) {
        if (downUntil[i]! <= t && r() < 0.004) downUntil[i] = t + Math.floor(1 + r() * 8) * 60_000;
        const ok = downUntil[i]! <= t;
        batch.push({ check_id: ids[i]!, time: t + (i % 60) * 1000, ok, latency_ms: ok ? Math.round((0.2 + r() * r() * 20) * 1000) / 1000 : null, message: ok ? 'reply' : 'no reply within 1000 ms' });
      }
      if (batch.length >= 10_000) {
        const rows = batch;
        batch = [];
        const t0 = performance.now();
        await store.db.transaction().execute((trx) => results.insertMany(trx, rows));
        ingestMs += performance.now() - t0;
      }
    }
    if (batch.length) {
      const t0 = performance.now();
      const rows = batch;
      await store.db.transaction().execute((trx) => results.insertMany(trx, rows));
      ingestMs += performance.now() - t0;
    }
    const ingestRate = total / (ingestMs / 1000);

    process.stderr.write('rolling up...\n');
    const t1 = performance.now();
    const rolled = await rollUp({ store, results, rollups, state, retention, now: () => now }, { chunk: 100_000, settleMs: 0 });
    const rollupMs = performance.now() - t1;

    // A year of older history as the rollup would have left it: day rows for ~358 days, hour rows for 90 days.
    process.stderr.write('adding a year of older aggregates...\n');
    const oldest = bucketOf(start, 'h');
    for (const [step, keep] of [['h', 90], ['d', 365]] as const) {
      const rows: Array<{ bucket: number; checkId: string; agg: Aggregate }> = [];
      const first = bucketOf(now - keep * DAY, step);
      for (let b = first; b < (step === 'h' ? oldest : bucketOf(start, 'd')); b += STEP_MS[step]) {
        for (const id of ids) {
          const a = new Aggregate();
          const n = STEP_MS[step] / 60_000;
          const down = r() < 0.05 ? Math.floor(r() * n * 0.1) : 0;
          for (let j = 0; j < 6; j++) a.addResult(true, 0.2 + r() * 10);
          a.up = n - down;
          a.down = down;
          a.latCount = n - down;
          a.latSum = a.latSum / 6 * (n - down);
          rows.push({ bucket: b, checkId: id, agg: a });
        }
        if (rows.length >= 50_000) await store.db.transaction().execute((trx) => rollups.upsert(trx, step, rows.splice(0)));
      }
      if (rows.length) await store.db.transaction().execute((trx) => rollups.upsert(trx, step, rows.splice(0)));
    }
    await sql`PRAGMA optimize`.execute(store.db);
    const counts = await sql<{ step: string; n: number }>`SELECT step, count(*) AS n FROM check_rollups GROUP BY step`.execute(store.db);

    process.stderr.write('querying...\n');
    const q = {
      report24h: await timed(runs, () => history.healthReport(DAY)),
      report30d: await timed(runs, () => history.healthReport(30 * DAY)),
      report1y: await timed(runs, () => history.healthReport(365 * DAY)),
      series30dHourly: await timed(runs, () => history.checkSeries(ids[0]!, 30 * DAY, 3_600_000)),
      series30dDaily: await timed(runs, () => history.checkSeries(ids[0]!, 30 * DAY, DAY)),
    };

    // The peer: the seed's optimized raw query, with the index on the timestamp it creates.
    process.stderr.write('peer: indexing raw rows by time and running the seed query...\n');
    await sql`CREATE INDEX IF NOT EXISTS bench_results_time ON check_results (time)`.execute(store.db);
    const seed = (windowMs: number) =>
      sql`SELECT d.name, d.ip, count(h.id) AS total_checks, sum(CASE WHEN h.ok = 1 THEN 1 ELSE 0 END) AS online_count,
            sum(CASE WHEN h.ok = 0 THEN 1 ELSE 0 END) AS offline_count, round(avg(CASE WHEN h.ok = 1 THEN 1.0 ELSE 0.0 END) * 100, 2) AS uptime_percentage
          FROM devices d JOIN checks c ON c.device_id = d.id JOIN check_results h ON h.check_id = c.id
          WHERE h.time > ${now - windowMs} GROUP BY d.id, d.name, d.ip ORDER BY uptime_percentage DESC`.execute(store.db);
    const peerRuns = Math.min(runs, 3);
    const p = { report24h: await timed(peerRuns, () => seed(DAY)), report7d: await timed(peerRuns, () => seed(7 * DAY)) };
    const ours7d = await timed(runs, () => history.healthReport(7 * DAY));

    // Same answers: the aggregates and the raw rows agree on the 24 h counts for every device.
    const oursRows = q.report24h.result;
    const seedRows = (p.report24h.result.rows as Array<{ ip: string; total_checks: number }>);
    const seedTotal = seedRows.reduce((n, x) => n + Number(x.total_checks), 0);
    const oursTotal = oursRows.reduce((n, x) => n + x.total, 0);

    const rows = [
      { measure: 'raw ingest (rows/s, batched)', lnmt: Math.round(ingestRate), target: '>= 50,000', peer: null, ratio: null },
      { measure: 'rollup of raw rows (rows/s)', lnmt: Math.round(rolled.rolledUp / (rollupMs / 1000)), target: null, peer: null, ratio: null },
      { measure: 'health report 24 h (ms)', lnmt: q.report24h.median, target: '< 200', peer: p.report24h.median, ratio: ratio(q.report24h.median, p.report24h.median, false) },
      { measure: 'health report 7 d (ms)', lnmt: ours7d.median, target: '< 200', peer: p.report7d.median, ratio: ratio(ours7d.median, p.report7d.median, false) },
      { measure: 'health report 30 d (ms)', lnmt: q.report30d.median, target: '< 200', peer: null, ratio: null },
      { measure: 'health report 1 y (ms)', lnmt: q.report1y.median, target: '< 200', peer: null, ratio: null },
      { measure: '30-day chart, hourly (ms)', lnmt: q.series30dHourly.median, target: '< 200', peer: null, ratio: null },
      { measure: '30-day chart, daily (ms)', lnmt: q.series30dDaily.median, target: '< 200', peer: null, ratio: null },
    ];
    printTable(rows);
    process.stdout.write(`\nraw rows ${total.toLocaleString()}; aggregates ${counts.rows.map((c) => `${c.step}=${Number(c.n).toLocaleString()}`).join(' ')}; database ${(statSync(join(dir, 'lnmt.db')).size / 1048576).toFixed(0)} MB\n`);
    process.stdout.write(`24 h results counted: lnmt ${oursTotal.toLocaleString()} (whole minutes), seed query ${seedTotal.toLocaleString()}\n`);
    const file = writeResult('history', {
      params: { devices: nDevices, resultsPerCheck: perCheck, runs },
      ingest_rows_per_s: Math.round(ingestRate),
      rollup: { rows: rolled.rolledUp, ms: Math.round(rollupMs), written: rolled.rows },
      aggregates: Object.fromEntries(counts.rows.map((c) => [c.step, Number(c.n)])),
      queries_ms: Object.fromEntries(Object.entries({ ...q, report7d: ours7d }).map(([k, v]) => [k, { median: v.median, p95: v.p95 }])),
      peer_seed_raw_query_ms: { report24h: { median: p.report24h.median }, report7d: { median: p.report7d.median } },
    });
    process.stdout.write(`written ${file}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
