/**
 * Rollups and history queries on both dialects: raw results folded into minute/hour/day aggregates must give
 * exactly the counts a brute-force pass over the raw rows gives, for any window, including results that arrive
 * late, maintenance run twice or concurrently, and retention.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CheckRepo } from '../../src/store/repositories/check-repo.js';
import { CheckResultRepo, type NewCheckResult } from '../../src/store/repositories/check-result-repo.js';
import { DeviceRepo } from '../../src/store/repositories/device-repo.js';
import { RollupRepo } from '../../src/store/repositories/rollup-repo.js';
import { StateRepo } from '../../src/store/repositories/state-repo.js';
import type { Store } from '../../src/store/store.js';
import { HistoryService } from '../../src/monitor/history.js';
import { maintain, rollUp, type RollupDeps } from '../../src/monitor/rollup.js';
import type { CheckDefinition } from '../../src/monitor/check-spec.js';
import { postgresDialect, requirePostgres, sqliteDialect } from '../fixtures/dialects.js';

const pgUp = await requirePostgres('the history suite');
const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12, 34, 56);
const retention = { rawDays: 7, minuteDays: 14, hourDays: 90, dayDays: 400 };

function def(name: string, deviceId: number | null): CheckDefinition {
  return { name, type: 'tcp', target: `${name}:22`, deviceId, params: {}, intervalMs: 60_000, timeoutMs: 1000, retries: 0, flapThreshold: 5, flapWindowMs: 600_000, enabled: true, tags: [] };
}

/** A deterministic pseudo-random sequence, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

for (const dialect of [sqliteDialect(), postgresDialect()]) {
  describe(`history on ${dialect.name}`, { skip: dialect.name === 'postgres' && !pgUp ? 'PostgreSQL not reachable' : false }, () => {
    let store: Store;
    let checks: CheckRepo;
    let results: CheckResultRepo;
    let deps: RollupDeps;
    let history: HistoryService;
    const raw: NewCheckResult[] = [];
    const ids: string[] = [];
    const devices: number[] = [];
    let now = NOW;

    before(async () => {
      store = await dialect.open();
      checks = new CheckRepo(store.db, store.dialect);
      results = new CheckResultRepo(store.db, store.dialect);
      const deviceRepo = new DeviceRepo(store.db, store.dialect);
      for (let i = 0; i < 3; i++) devices.push(Number((await deviceRepo.insert({ ip: `192.0.2.${i + 1}`, source: 'manual', hostname: `h${i}` })).id));
      // Device 0 has two checks, device 1 one, device 2 none; plus a standalone check.
      ids.push((await checks.insert(def('a', devices[0]!))).id, (await checks.insert(def('b', devices[0]!))).id, (await checks.insert(def('c', devices[1]!))).id, (await checks.insert(def('d', null))).id);
      deps = { store, results, rollups: new RollupRepo(store.db, store.dialect), state: new StateRepo(store.db), retention, now: () => now };
      history = new HistoryService({ rollups: deps.rollups, retention, now: () => now });
      // 10 days of results every 3 minutes per check, ~10 % failures, with latencies.
      const r = rng(42);
      for (let t = NOW - 10 * DAY; t < NOW; t += 3 * MIN) {
        for (const id of ids) raw.push({ check_id: id, time: t + Math.floor(r() * 1000), ok: r() > 0.1, latency_ms: Math.round(r() * 5000) / 100, message: 'm' });
      }
      await store.db.transaction().execute((trx) => results.insertMany(trx, raw));
    });
    after(async () => {
      await store?.close();
      await dialect.cleanup();
    });

    /** What the raw rows say for [from, to) snapped outward to minutes (as the aggregates cover whole minutes). */
    function bruteForce(from: number, to: number, pick: (r: NewCheckResult) => boolean) {
      const a = Math.floor(from / MIN) * MIN;
      const b = Math.ceil(to / MIN) * MIN;
      let up = 0;
      let down = 0;
      for (const r of raw) if (r.time >= a && r.time < b && pick(r)) r.ok ? up++ : down++;
      return { up, down };
    }

    it('writes check state for many checks in one statement, and lists/filters checks', async () => {
      await checks.saveStates(store.db, ids.map((id, i) => ({ id, state: i % 2 ? 'down' : 'up', state_since: NOW - i, streak: i % 2 ? -3 : 4, flapping: 0, last_run_at: NOW, last_ok: i % 2 ? 0 : 1, last_latency_ms: i % 2 ? null : 1.5, last_message: `m${i}` })));
      const down = await checks.list({ state: 'down', limit: 10, offset: 0 });
      assert.deepEqual(down.rows.map((r) => r.name), ['b', 'd']);
      assert.equal(down.total, 2);
      const a = (await checks.get(ids[0]!))!;
      assert.deepEqual([a.state, a.state_since, Number(a.streak), a.last_latency_ms, a.last_message], ['up', NOW, 4, 1.5, 'm0']);
      assert.equal((await checks.list({ deviceId: devices[0]!, limit: 10, offset: 0 })).total, 2);
    });

    it('folds every raw result into the aggregates once, and a second run is a no-op', async () => {
      const first = await rollUp(deps, { chunk: 5000, settleMs: 0 });
      assert.equal(first.rolledUp, raw.length);
      const again = await rollUp(deps, { chunk: 5000, settleMs: 0 });
      assert.equal(again.rolledUp, 0);
    });

    it('the per-device health report equals a pass over the raw rows for 1 h, 24 h and 7 d windows', async () => {
      for (const w of [3_600_000, DAY, 7 * DAY]) {
        const report = await history.healthReport(w);
        const byDevice = new Map(report.map((r) => [r.device_id, r]));
        assert.ok(!byDevice.has(devices[2]!), 'a device without checks is not in the report');
        for (const [d, checkIds] of [[devices[0]!, [ids[0], ids[1]]], [devices[1]!, [ids[2]]]] as const) {
          const exp = bruteForce(now - w, now, (r) => (checkIds as readonly (string | undefined)[]).includes(r.check_id));
          const got = byDevice.get(d)!;
          assert.deepEqual({ up: got.up, down: got.down }, exp, `device ${d}, window ${w / 3_600_000} h`);
          assert.equal(got.checks, checkIds.length);
          assert.equal(got.ip, `192.0.2.${devices.indexOf(d) + 1}`);
          assert.ok(Math.abs(got.uptime! - (exp.up / (exp.up + exp.down)) * 100) < 0.001);
        }
      }
    });

    it('a check summary has exact counts and latency min/max/avg, and p95 within the histogram error', async () => {
      const s = await history.checkSummary(ids[3]!, DAY);
      const a = Math.floor((now - DAY) / MIN) * MIN;
      const rows = raw.filter((r) => r.check_id === ids[3] && r.time >= a && r.time < Math.ceil(now / MIN) * MIN);
      const lat = rows.map((r) => r.latency_ms!).sort((x, y) => x - y);
      assert.equal(s.total, rows.length);
      assert.equal(s.up, rows.filter((r) => r.ok).length);
      assert.equal(s.latency.min, lat[0]);
      assert.equal(s.latency.max, lat[lat.length - 1]);
      assert.ok(Math.abs(s.latency.avg! - lat.reduce((x, y) => x + y, 0) / lat.length) < 0.01);
      const p95 = lat[Math.ceil(0.95 * lat.length) - 1]!;
      assert.ok(Math.abs(s.latency.p95! - p95) / p95 < 0.1, `p95 ${s.latency.p95} vs ${p95}`);
    });

    it('a series has one point per step whose counts add up to the window', async () => {
      const series = await history.checkSeries(ids[0]!, 7 * DAY, 3_600_000);
      assert.equal(series.points.length, 7 * 24);
      const total = series.points.reduce((n, p) => n + p.up + p.down, 0);
      const first = Date.parse(series.from);
      const exp = bruteForce(first, Date.parse(series.to), (r) => r.check_id === ids[0]);
      assert.equal(total, exp.up + exp.down);
      for (let i = 1; i < series.points.length; i++) assert.equal(Date.parse(series.points[i]!.t) - Date.parse(series.points[i - 1]!.t), 3_600_000);
    });

    it('late results land in their old buckets; concurrent maintenance never counts a result twice', async () => {
      const late: NewCheckResult[] = [];
      for (let i = 0; i < 50; i++) late.push({ check_id: ids[2]!, time: NOW - 2 * DAY + i * MIN, ok: false, latency_ms: null, message: 'late' });
      await store.db.transaction().execute((trx) => results.insertMany(trx, late));
      raw.push(...late);
      const runs = await Promise.allSettled([rollUp(deps, { chunk: 10, settleMs: 0 }), rollUp(deps, { chunk: 10, settleMs: 0 }), rollUp(deps, { chunk: 10, settleMs: 0 })]);
      const folded = runs.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.rolledUp : 0), 0);
      // A run that lost a compare-and-set fails and rolls back; the rest is picked up by the next run.
      const rest = await rollUp(deps, { settleMs: 0 });
      assert.equal(folded + rest.rolledUp, late.length);
      const got = (await history.healthReport(7 * DAY)).find((r) => r.device_id === devices[1])!;
      assert.deepEqual({ up: got.up, down: got.down }, bruteForce(now - 7 * DAY, now, (r) => r.check_id === ids[2]));
    });

    it('retention drops raw rows after rawDays (only once rolled up) and aggregates after their levels', async () => {
      now = NOW + 2 * DAY; // raw rows older than NOW - 5 d are now past the 7 days
      const before = (await results.recent(ids[0]!, 100_000)).length;
      const summary = await maintain(deps, { settleMs: 0 });
      const afterRows = await results.recent(ids[0]!, 100_000);
      assert.ok(summary.deleted.raw > 0);
      assert.ok(afterRows.length < before);
      assert.ok(afterRows.every((r) => r.time >= now - 7 * DAY - 2 * DAY / 1000), 'nothing older than 7 days is left');
      // Aggregates outlive the raw rows: 9-day-old data still counts in a 10-day window.
      const report = await history.healthReport(10 * DAY);
      assert.ok(report.find((r) => r.device_id === devices[0])!.total > 0);
      now = NOW + 20 * DAY; // minute aggregates (14 d) of the oldest data are gone, hours remain
      const s2 = await maintain(deps, { settleMs: 0 });
      assert.ok(s2.deleted.m > 0);
      const month = await history.healthReport(30 * DAY);
      const exp = bruteForce(NOW - 10 * DAY - DAY, NOW + DAY, (r) => r.check_id === ids[0] || r.check_id === ids[1]);
      assert.equal(month.find((r) => r.device_id === devices[0])!.total, exp.up + exp.down, 'a 30-day window still counts every result, from hours and days');
    });
  });
}
