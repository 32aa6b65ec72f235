/**
 * Two schedulers on one database (separate store connections, as two processes or two fleet hubs have), both
 * armed for the same instants: every due run must run exactly once, and the overlap rules must hold across
 * them. On SQLite (one file) and PostgreSQL (one database); in CI a missing PostgreSQL fails the suite.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { bodyWhere } from '../../src/scheduler/job-limits.js';
import type { JobInput } from '../../src/scheduler/job-service.js';
import { postgresDatabase, postgresReachable, sqliteDatabase, testScheduler, PG_ADMIN, type Call, type TestDatabase, type TestScheduler } from './harness.js';
import { ManualClock } from './manual-clock.js';

const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const S = 1000;
const ROUNDS = 200;
const JOBS = 5;

const pgUp = await postgresReachable();
if (!pgUp && process.env.CI) throw new Error(`PostgreSQL is required in CI for the scheduler race tests (${PG_ADMIN})`);

const databases: TestDatabase[] = [sqliteDatabase(), postgresDatabase()];
after(async () => {
  for (const d of databases) await d.cleanup();
});

for (const database of databases) {
  describe(`two schedulers on one ${database.name} database`, { skip: database.name === 'postgres' && !pgUp ? 'PostgreSQL not reachable (required when CI is set)' : false }, () => {
    async function pair(calls: Call[]): Promise<{ clock: ManualClock; a: TestScheduler; b: TestScheduler; stop(): Promise<void> }> {
      const clock = new ManualClock(T0);
      const a = await testScheduler(await database.open(), { clock, runner: 'host-a:1', calls });
      const b = await testScheduler(await database.open(), { clock, runner: 'host-b:2', calls });
      clock.onSettle(async () => {
        await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
      });
      return {
        clock,
        a,
        b,
        async stop() {
          await Promise.all([a.scheduler.stop(), b.scheduler.stop()]);
        },
      };
    }

    it(`both see ${JOBS} jobs due every second for ${ROUNDS} seconds: each run happens exactly once`, async () => {
      const calls: Call[] = [];
      const { clock, a, b, stop } = await pair(calls);
      const names: string[] = [];
      for (let i = 0; i < JOBS; i++) {
        const name = `race-${database.name}-${i}`;
        names.push(name);
        await a.scheduler.jobs.create({ name, type: 'count', every: '1s' }, bodyWhere);
      }
      await a.scheduler.start();
      await b.scheduler.start();
      for (let r = 0; r < ROUNDS; r++) await clock.advance(S);
      await stop();

      assert.equal(calls.length, JOBS * ROUNDS, 'job bodies run');
      assert.equal(new Set(calls.map((c) => c.runId)).size, calls.length);
      for (const name of names) {
        const runs = await a.history(name);
        assert.equal(runs.length, ROUNDS, name);
        assert.deepEqual(runs.map((r) => (r.scheduled_for - T0) / S), Array.from({ length: ROUNDS }, (_, i) => i + 1), `${name}: one run per second, none twice`);
        assert.ok(runs.every((r) => r.status === 'succeeded' && r.trigger === 'schedule'));
      }
      // Both took part, and they really raced: each lost claims to the other.
      assert.ok(a.scheduler.stats.claimed > 0 && b.scheduler.stats.claimed > 0, JSON.stringify([a.scheduler.stats, b.scheduler.stats]));
      assert.ok(a.scheduler.stats.lost > 0 && b.scheduler.stats.lost > 0, JSON.stringify([a.scheduler.stats, b.scheduler.stats]));
      assert.equal(a.scheduler.stats.claimed + b.scheduler.stats.claimed, JOBS * ROUNDS);
    });

    it('a slow job with overlap queue never runs twice at once, and at most one run waits, across both', async () => {
      const calls: Call[] = [];
      const { clock, a, b, stop } = await pair(calls);
      const name = `slow-${database.name}`;
      await a.scheduler.jobs.create({ name, type: 'sleep', every: '1s', params: { ms: 2500 }, overlap: 'queue' } as JobInput, bodyWhere);
      await a.scheduler.start();
      await b.scheduler.start();
      for (let r = 0; r < 60; r++) await clock.advance(S);
      await stop();
      const runs = await a.history(name);
      const ran = runs.filter((r) => r.started_at !== null).sort((x, y) => x.started_at! - y.started_at!);
      for (let i = 1; i < ran.length; i++) assert.ok(ran[i]!.started_at! >= ran[i - 1]!.ended_at!, `runs ${i - 1} and ${i} overlap`);
      assert.ok(ran.length >= 20, `${ran.length} runs in 60 s of 2.5 s each`);
      assert.equal(runs.filter((r) => r.status === 'running').length, 0, 'stopped: nothing left running');
      assert.ok(runs.filter((r) => r.status === 'queued').length <= 1, 'a queued run survives the stop, for the next scheduler');
      assert.ok(new Set(ran.map((r) => r.runner)).size === 2, 'both schedulers ran some');
      assert.equal(new Set(runs.map((r) => r.scheduled_for)).size, runs.length, 'no scheduled time twice');
    });

    it('built-in jobs are created once when both start at the same moment', async () => {
      const clock = new ManualClock(T0);
      const builtins = [{ key: `k-${database.name}`, name: `builtin-${database.name}`, type: 'count', everyMs: 60_000, timeoutMs: 60_000, overlap: 'skip' as const, catchUp: 'skip' as const }];
      const a = await testScheduler(await database.open(), { clock, runner: 'host-a:1', builtins });
      const b = await testScheduler(await database.open(), { clock, runner: 'host-b:2', builtins });
      await Promise.all([a.scheduler.start(), b.scheduler.start()]);
      await Promise.all([a.scheduler.stop(), b.scheduler.stop()]);
      const rows = (await a.jobs.list()).filter((j) => j.builtin === `k-${database.name}`);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.name, `builtin-${database.name}`);
    });

    it('manual runs asked of both at the same moment: one runs, the other is skipped', async () => {
      const calls: Call[] = [];
      const { clock, a, b, stop } = await pair(calls);
      const name = `manual-${database.name}`;
      await a.scheduler.jobs.create({ name, type: 'sleep', every: '1h', params: { ms: 500 }, overlap: 'skip' } as JobInput, bodyWhere);
      for (let r = 0; r < 20; r++) {
        const [x, y] = await Promise.all([a.scheduler.runNow(name, 'job'), b.scheduler.runNow(name, 'job')]);
        assert.deepEqual([x.run.status, y.run.status].sort(), ['running', 'skipped'], `round ${r}`);
        await clock.advance(S);
      }
      await stop();
      assert.equal(calls.length, 20);
    });
  });
}
