/** The job-type registry and the built-in types: scan, checks, maintenance, store-optimize. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import Type from 'typebox';
import { LnmtError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { CheckFilter, MonitorControl } from '../../src/monitor/monitor-control.js';
import type { JobRunContext, JobType } from '../../src/scheduler/job-type.js';
import { JobTypeRegistry } from '../../src/scheduler/job-type-registry.js';
import { checksJobType } from '../../src/scheduler/job-types/checks-job.js';
import { maintenanceJobType } from '../../src/scheduler/job-types/maintenance-job.js';
import { storeOptimizeJobType } from '../../src/scheduler/job-types/store-optimize-job.js';
import { JobRepo } from '../../src/store/repositories/job-repo.js';
import { JobRunRepo } from '../../src/store/repositories/job-run-repo.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { closedPort, makeContext } from '../api/helpers.js';
import { PG_ADMIN, postgresDatabase, postgresReachable } from './harness.js';

const pgUp = await postgresReachable();
if (!pgUp && process.env.CI) throw new Error(`PostgreSQL is required in CI (${PG_ADMIN})`);

function runContext(signal = new AbortController().signal): JobRunContext {
  return { signal, logger: silentLogger(), job: { id: 'j', name: 'test-job', type: 't' }, runId: 'r', trigger: 'manual', attempt: 1, scheduledFor: 0 };
}

const where = (path: string) => (path ? `body.params.${path}` : 'body.params');

describe('job-type registry', () => {
  const Params = Type.Object(
    { targets: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, default: 2 })) },
    { additionalProperties: false },
  );
  const probe: JobType<typeof Params> = { name: 'probe', description: 'test', params: Params, run: async (p) => ({ depth: p.depth }) };

  it('registers kebab-case names once', () => {
    const r = new JobTypeRegistry().register(probe as JobType);
    assert.throws(() => r.register(probe as JobType), /already registered/);
    assert.throws(() => r.register({ ...probe, name: 'Bad_Name' } as JobType), /kebab-case/);
    assert.deepEqual(r.list().map((t) => t.name), ['probe']);
  });

  it('fills in defaults and reports every bad parameter, named where the caller wants', async () => {
    const r = new JobTypeRegistry().register(probe as JobType);
    assert.deepEqual(await r.parseParams('probe', { targets: ['a'] }, where), { targets: ['a'], depth: 2 });
    await assert.rejects(r.parseParams('probe', { targets: [''], depth: 9, colour: 'red' }, where), (err: LnmtError) => {
      assert.equal(err.code, 'LNMT_ERR_VALIDATION');
      const byWhere = Object.fromEntries(err.details.map((d) => [d.where, d]));
      assert.deepEqual(Object.keys(byWhere).sort(), ['body.params.colour', 'body.params.depth', 'body.params.targets[0]']);
      assert.equal(byWhere['body.params.colour']!.message, 'unknown parameter');
      assert.equal(byWhere['body.params.colour']!.allowed, 'one of: targets, depth');
      assert.equal(byWhere['body.params.depth']!.allowed, 'an integer from 1 to 5');
      return true;
    });
    await assert.rejects(r.parseParams('probe', {}, where), (err: LnmtError) => err.details[0]!.where === 'body.params.targets' && err.details[0]!.message === 'required');
  });
});

describe('maintenance and checks job types', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnmt-jobtypes-'));
    store = await openSqliteStore({ dataDir: dir, file: 'lnmt.db', cacheSizeMb: 8, mmapSizeMb: 0, busyTimeoutMs: 5000 });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const monitor = (log: string[]): MonitorControl => ({
    async runChecks(filter: CheckFilter, signal?: AbortSignal) {
      log.push(`runChecks ${JSON.stringify(filter)} ${signal ? 'with signal' : 'no signal'}`);
      return { ran: 3, up: 2, down: 1, durationMs: 12 };
    },
    async maintain(signal?: AbortSignal) {
      log.push(`maintain ${signal ? 'with signal' : 'no signal'}`);
      return { rolledUp: 10, rollupRows: { m: 2, h: 1, d: 1 }, deleted: { raw: 5, m: 0, h: 0, d: 0 }, durationMs: 3 };
    },
  });

  it('maintenance: monitor rollups and retention, then run history older than historyDays', async () => {
    const jobs = new JobRepo(store.db);
    const runs = new JobRunRepo(store.db);
    const now = Date.parse('2026-06-01T00:00:00Z');
    await jobs.insert({ id: 'job-1', name: 'j', type: 'maintenance', params: '{}', cron: null, every_ms: 60_000, timezone: null, enabled: 1, builtin: null, overlap: 'skip', timeout_ms: 60_000, retries: 0, retry_delay_ms: 1000, catch_up: 'skip', next_run_at: null, retry_at: null, retry_attempt: null, retry_scheduled_for: null, created_at: now, updated_at: now });
    const run = (id: string, daysAgo: number, status: 'succeeded' | 'running') => runs.insert({ id, job_id: 'job-1', scheduled_for: now - daysAgo * 86_400_000, trigger: 'schedule', attempt: 1, status, created_at: now - daysAgo * 86_400_000, started_at: null, ended_at: null, duration_ms: null, summary: null, error: null, runner: null, lease_until: null });
    await run('old', 31, 'succeeded');
    await run('old-but-running', 40, 'running');
    await run('recent', 29, 'succeeded');
    const log: string[] = [];
    const type = maintenanceJobType({ monitor: monitor(log), runs, historyDays: 30, now: () => now });
    const summary = await type.run({}, runContext());
    assert.deepEqual(summary, { rollups: { rolledUp: 10, rollupRows: { m: 2, h: 1, d: 1 }, deleted: { raw: 5, m: 0, h: 0, d: 0 }, durationMs: 3 }, runHistoryDeleted: 1 });
    assert.deepEqual(log, ['maintain with signal']);
    assert.deepEqual((await runs.page('job-1', { limit: 10, offset: 0 })).items.map((r) => r.id).sort(), ['old-but-running', 'recent']);
    const without = maintenanceJobType({ monitor: null, runs, historyDays: 30, now: () => now });
    assert.deepEqual(await without.run({}, runContext()), { rollups: null, runHistoryDeleted: 0 });
  });

  it('checks: the filter goes to MonitorControl.runChecks with the run signal', async () => {
    const log: string[] = [];
    const r = new JobTypeRegistry().register(checksJobType({ monitor: monitor(log) }) as unknown as JobType);
    const params = await r.parseParams('checks', { tags: ['core'], type: 'http' }, where);
    assert.deepEqual(await r.get('checks')!.run(params, runContext()), { ran: 3, up: 2, down: 1, durationMs: 12 });
    assert.deepEqual(log, ['runChecks {"tags":["core"],"type":"http"} with signal']);
    await assert.rejects(r.parseParams('checks', { deviceId: 0 }, where), (e: LnmtError) => e.details[0]!.where === 'body.params.deviceId');
  });
});

describe('store-optimize job type', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lnmt-optimize-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function churn(store: Store): Promise<void> {
    await sql`CREATE TABLE IF NOT EXISTS filler (x TEXT)`.execute(store.db);
    for (let i = 0; i < 20; i++) await sql`INSERT INTO filler SELECT hex(randomblob(1000)) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10)`.execute(store.db);
    await sql`DELETE FROM filler`.execute(store.db);
  }

  const pragma = async (store: Store, name: string) => Number(Object.values((await sql.raw<Record<string, number>>(`PRAGMA ${name}`).execute(store.db)).rows[0]!)[0]);

  it('on a database in INCREMENTAL auto-vacuum mode, returns the free pages to the file system', async () => {
    // Created the way auto_vacuum takes effect: set before anything else touches the new file.
    const raw = new BetterSqlite3(join(dir, 'incremental.db'));
    raw.pragma('auto_vacuum = INCREMENTAL');
    raw.pragma('journal_mode = WAL');
    raw.close();
    const store = await openSqliteStore({ dataDir: dir, file: 'incremental.db', cacheSizeMb: 8, mmapSizeMb: 0, busyTimeoutMs: 5000 });
    try {
      await churn(store);
      const free = await pragma(store, 'freelist_count');
      assert.ok(free > 20, `${free} free pages after the churn`);
      const s = await storeOptimizeJobType({ store }).run({}, runContext());
      assert.equal(s.autoVacuum, 'incremental');
      assert.ok((s.pagesFreed as number) >= free, JSON.stringify(s));
      assert.equal(s.freePagesLeft, 0);
      assert.equal(s.note, undefined);
      assert.equal(await pragma(store, 'freelist_count'), 0);
    } finally {
      await store.close();
    }
  });

  it("reports the file's auto-vacuum mode, and when free pages cannot be returned", async () => {
    const store = await openSqliteStore({ dataDir: dir, file: 'default.db', cacheSizeMb: 8, mmapSizeMb: 0, busyTimeoutMs: 5000 });
    try {
      await churn(store);
      const mode = ['none', 'full', 'incremental'][await pragma(store, 'auto_vacuum')];
      const s = await storeOptimizeJobType({ store }).run({}, runContext());
      assert.equal(s.dialect, 'sqlite');
      assert.equal(s.autoVacuum, mode);
      if (mode === 'none') {
        assert.equal(s.pagesFreed, 0);
        assert.match(s.note as string, /^auto_vacuum is NONE: free pages \(\d+\) stay in the file; converting needs a one-time VACUUM$/);
      }
    } finally {
      await store.close();
    }
  });

  it('stops between steps when aborted', async () => {
    const store = await openSqliteStore({ dataDir: dir, file: 'abort.db', cacheSizeMb: 8, mmapSizeMb: 0, busyTimeoutMs: 5000 });
    try {
      const ac = new AbortController();
      ac.abort(new Error('stop now'));
      await assert.rejects(storeOptimizeJobType({ store }).run({}, runContext(ac.signal)), /stop now/);
    } finally {
      await store.close();
    }
  });

  it('on PostgreSQL, runs ANALYZE', { skip: pgUp ? false : 'PostgreSQL not reachable (required when CI is set)' }, async () => {
    const database = postgresDatabase();
    try {
      const store = await database.open();
      assert.deepEqual(await storeOptimizeJobType({ store }).run({}, runContext()), { dialect: 'postgres', analyzed: true });
    } finally {
      await database.cleanup();
    }
  });
});

describe('scan job type', () => {
  it('validates targets when the job is defined, and scans when it runs', async () => {
    const { dir, ctx } = await makeContext();
    try {
      const scan = ctx.scheduler.types.get('scan')!;
      await assert.rejects(ctx.scheduler.types.parseParams('scan', { targets: ['10.0.0.1', '10.0.0.999'] }, where), (err: LnmtError) => {
        assert.equal(err.details[0]!.where, 'body.params.targets[1]');
        return true;
      });
      const port = await closedPort();
      const params = await ctx.scheduler.types.parseParams('scan', { targets: ['127.0.0.1'], noCache: true, options: { icmp: 'off', neighbours: false, reverseDns: false, tcpPorts: [port], timeoutMs: 1000, retries: 0 } }, where);
      const summary = await scan.run(params, runContext());
      assert.equal(summary.addresses, 1);
      assert.equal(summary.online, 1);
      const row = await ctx.repos.scans.get(summary.scanId as string);
      assert.equal(row?.requested_by, 'job:test-job');
      assert.equal(row?.status, 'finished');
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancels the scan when the run is aborted', async () => {
    const { dir, ctx } = await makeContext();
    try {
      const ac = new AbortController();
      const params = await ctx.scheduler.types.parseParams('scan', { targets: ['192.0.2.0/24'], noCache: true, options: { icmp: 'off', neighbours: false, reverseDns: false, tcpPorts: [9], timeoutMs: 5000, retries: 3 } }, where);
      const running = ctx.scheduler.types.get('scan')!.run(params, runContext(ac.signal));
      setTimeout(() => ac.abort(new Error('timed out in test')), 100);
      await assert.rejects(running, /timed out in test/);
      const [row] = await ctx.repos.scans.list(1);
      assert.equal(row?.status, 'cancelled');
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
