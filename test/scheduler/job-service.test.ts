/** Job definitions: validation with the field at fault, next-run bookkeeping on changes, built-in jobs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LnmtError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { BUILTIN_JOBS } from '../../src/scheduler/builtin-jobs.js';
import { formatDuration, parseDuration } from '../../src/scheduler/duration.js';
import { bodyWhere } from '../../src/scheduler/job-limits.js';
import { JobService, type JobInput } from '../../src/scheduler/job-service.js';
import type { Store } from '../../src/store/store.js';
import { sqliteDatabase, testScheduler, type TestDatabase, type TestScheduler } from './harness.js';
import { ManualClock } from './manual-clock.js';

const T0 = Date.parse('2026-07-01T12:00:00.000Z');

let db: TestDatabase;
let store: Store;
let clock: ManualClock;
let t: TestScheduler;

before(async () => {
  db = sqliteDatabase();
  store = await db.open();
  clock = new ManualClock(T0);
  t = await testScheduler(store, { clock, defaultTimeZone: 'Europe/Berlin' });
});
after(() => db.cleanup());

const create = (input: Partial<JobInput>) => t.scheduler.jobs.create({ name: 'j', type: 'count', ...input } as JobInput, bodyWhere);

async function refused(p: Promise<unknown>, code: string): Promise<LnmtError> {
  try {
    await p;
  } catch (err) {
    assert.equal((err as LnmtError).code, code, (err as Error).message);
    return err as LnmtError;
  }
  assert.fail('accepted');
}

describe('durations', () => {
  it('parses and prints 30s, 5m, 1h30m, 2d, 500ms', () => {
    assert.deepEqual(['30s', '5m', '1h30m', '2d', '500ms', '1d2h3m4s5ms', ' 10M '].map(parseDuration), [30_000, 300_000, 5_400_000, 172_800_000, 500, 93_784_005, 600_000]);
    for (const bad of ['', '5', 'm5', '5x', '1m1h', '5m5m', '-5s', '1.5h']) assert.equal(parseDuration(bad), null, bad);
    assert.deepEqual([30_000, 300_000, 5_400_000, 172_800_000, 1500, 0].map(formatDuration), ['30s', '5m', '1h30m', '2d', '1s500ms', '0s']);
  });
});

describe('creating jobs', () => {
  it('fills in the policy defaults, the default zone and the first run', async () => {
    const j = await create({ name: 'nightly', cron: '0 3 * * *' });
    assert.equal(j.effective_timezone, 'Europe/Berlin');
    assert.equal(j.timezone, null);
    assert.equal(j.next_run_at, '2026-07-02T01:00:00.000Z'); // 03:00 CEST
    assert.deepEqual([j.overlap, j.catch_up, j.retries, j.timeout_ms, j.retry_delay_ms, j.enabled, j.builtin], ['skip', 'once', 0, 3_600_000, 30_000, true, false]);
    const e = await create({ name: 'every90', every: '90s', overlap: 'queue', retries: 2, timeout_ms: 5000, catch_up: 'skip' });
    assert.deepEqual([e.every, e.every_ms, e.next_run_at, e.cron, e.effective_timezone], ['1m30s', 90_000, new Date(T0 + 90_000).toISOString(), null, null]);
  });

  it('names the cron field and column at fault', async () => {
    const err = await refused(create({ name: 'bad', cron: '0 25 * * *' }), 'LNMT_ERR_VALIDATION');
    assert.equal(err.message, 'invalid job: body.cron: field 2 (hour) at column 3: "25" is out of range 0-23');
    assert.deepEqual(err.details, [{ where: 'body.cron', value: '0 25 * * *', message: 'field 2 (hour) at column 3: "25" is out of range 0-23', allowed: '0-23, *, lists (1,5), ranges (1-5), steps (*/2, 1-5/2)' }]);
  });

  it('reports every problem at once, each with its field', async () => {
    const err = await refused(create({ name: '-bad name', type: 'nope', every: '5 minutes', timezone: 'Mars/Base', retries: 101, timeout_ms: 10 }), 'LNMT_ERR_VALIDATION');
    assert.deepEqual(err.details.map((d) => [d.where, d.message]), [
      ['body.name', 'not an accepted job name'],
      ['body.type', 'unknown job type'],
      ['body.every', 'not a duration'],
      ['body.timezone', 'only cron schedules have a time zone (this job runs at an interval)'],
      ['body.timeout_ms', 'out of range'],
      ['body.retries', 'out of range'],
    ]);
    assert.equal(err.details[1]!.allowed, 'one of: count, flaky, hang, sleep');
    assert.match(err.message, /^invalid job: 6 problems$/);
  });

  it('needs exactly one schedule; refuses unknown zones and too-short intervals', async () => {
    assert.equal((await refused(create({ name: 'none' }), 'LNMT_ERR_VALIDATION')).details[0]!.where, 'body.cron');
    const both = await refused(create({ name: 'both', cron: '* * * * *', every: '1m' }), 'LNMT_ERR_VALIDATION');
    assert.deepEqual([both.details[0]!.where, both.details[0]!.message], ['body.every', 'give either cron or every, not both']);
    const tz = await refused(create({ name: 'tz', cron: '0 3 * * *', timezone: 'Europe/Atlantis' }), 'LNMT_ERR_VALIDATION');
    assert.deepEqual([tz.details[0]!.where, tz.details[0]!.message, tz.details[0]!.allowed], ['body.timezone', 'unknown time zone', 'an IANA time zone name such as Europe/Berlin, America/New_York or UTC']);
    const fast = await refused(create({ name: 'fast', every: '500ms' }), 'LNMT_ERR_VALIDATION');
    assert.deepEqual([fast.details[0]!.message, fast.details[0]!.allowed], ['interval out of range', 'a duration such as 30s, 5m, 1h30m or 1d (units: ms, s, m, h, d), from 1s to 366d']);
  });

  it('checks parameters against the job type', async () => {
    const err = await refused(create({ name: 'p', type: 'sleep', every: '1m', params: { ms: -1, extra: 1 } }), 'LNMT_ERR_VALIDATION');
    assert.deepEqual(err.details.map((d) => d.where).sort(), ['body.params.extra', 'body.params.ms']);
    assert.equal((await refused(create({ name: 'p', type: 'sleep', every: '1m' }), 'LNMT_ERR_VALIDATION')).details[0]!.where, 'body.params.ms');
  });

  it('names are unique (409)', async () => {
    await create({ name: 'twin', every: '1m' });
    const err = await refused(create({ name: 'twin', every: '1m' }), 'LNMT_ERR_CONFLICT');
    assert.equal(err.details[0]!.where, 'body.name');
  });
});

describe('changing jobs', () => {
  it('a new schedule or zone recomputes the next run; cron and every replace each other', async () => {
    await create({ name: 'c', cron: '0 3 * * *' });
    const ny = await t.scheduler.jobs.update('c', { timezone: 'America/New_York' }, bodyWhere, 'params.id');
    assert.equal(ny.next_run_at, '2026-07-02T07:00:00.000Z');
    const every = await t.scheduler.jobs.update('c', { every: '10m' }, bodyWhere, 'params.id');
    assert.deepEqual([every.cron, every.timezone, every.every, every.next_run_at], [null, null, '10m', new Date(T0 + 600_000).toISOString()]);
    const err = await refused(t.scheduler.jobs.update('c', { timezone: 'UTC' }, bodyWhere, 'params.id'), 'LNMT_ERR_VALIDATION');
    assert.equal(err.details[0]!.where, 'body.timezone');
    const back = await t.scheduler.jobs.update('c', { cron: '*/5 * * * *', timezone: 'UTC' }, bodyWhere, 'params.id');
    assert.deepEqual([back.cron, back.every, back.timezone, back.next_run_at], ['*/5 * * * *', null, 'UTC', '2026-07-01T12:05:00.000Z']);
  });

  it('disabling clears the next run and a pending retry; re-enabling schedules from now', async () => {
    const j = await create({ name: 'd', every: '1h' });
    await t.jobs.setRetry(j.id, { at: T0 + 5000, attempt: 2, scheduledFor: T0 });
    const off = await t.scheduler.jobs.update(j.id, { enabled: false }, bodyWhere, 'params.id');
    assert.deepEqual([off.enabled, off.next_run_at, off.retry_at], [false, null, null]);
    await clock.advance(30 * 60_000);
    const on = await t.scheduler.jobs.update('d', { enabled: true }, bodyWhere, 'params.id');
    assert.equal(on.next_run_at, new Date(clock.now() + 3_600_000).toISOString());
  });

  it('params are replaced as a whole and validated against the type; unknown jobs are 404 naming the reference', async () => {
    await create({ name: 's', type: 'sleep', every: '1m', params: { ms: 5 } });
    assert.deepEqual((await t.scheduler.jobs.update('s', { params: { ms: 7 } }, bodyWhere, 'params.id')).params, { ms: 7 });
    assert.equal((await refused(t.scheduler.jobs.update('s', { params: {} }, bodyWhere, 'params.id'), 'LNMT_ERR_VALIDATION')).details[0]!.where, 'body.params.ms');
    const nf = await refused(t.scheduler.jobs.update('nosuch', { retries: 1 }, bodyWhere, 'params.id'), 'LNMT_ERR_NOT_FOUND');
    assert.deepEqual([nf.details[0]!.where, nf.details[0]!.value], ['params.id', 'nosuch']);
  });

  it('renaming to a taken name is a conflict', async () => {
    await create({ name: 'r1', every: '1m' });
    await create({ name: 'r2', every: '1m' });
    assert.equal((await refused(t.scheduler.jobs.update('r2', { name: 'r1' }, bodyWhere, 'params.id'), 'LNMT_ERR_CONFLICT')).details[0]!.where, 'body.name');
  });
});

describe('built-in jobs', () => {
  it('are created once per store (also by a second process), can be disabled and edited, not deleted', async () => {
    const full = await testScheduler(store, { clock });
    const jobsFor = (s: TestScheduler) =>
      new JobService({ jobs: s.jobs, runs: s.runs, types: s.scheduler.types, clock, logger: silentLogger(), defaultTimeZone: 'UTC', defaults: { timeoutMs: 60_000, retries: 0, retryDelayMs: 1000, overlap: 'skip', catchUp: 'once' }, builtins: [{ ...BUILTIN_JOBS[0]!, type: 'count' }, { ...BUILTIN_JOBS[1]!, type: 'count' }], onChange: () => {} });
    const one = jobsFor(full);
    const two = jobsFor(await testScheduler(await db.open(), { clock }));
    await Promise.all([one.ensureBuiltins(), two.ensureBuiltins()]);
    await two.ensureBuiltins();
    const builtins = (await one.list()).filter((j) => j.builtin);
    assert.deepEqual(builtins.map((j) => [j.name, j.every, j.cron, j.catch_up, j.timeout_ms]), [
      ['maintenance', '1m', null, 'skip', 600_000],
      ['store-optimize', null, '30 4 * * *', 'once', 3_600_000],
    ]);
    const err = await refused(one.remove('maintenance', 'params.id'), 'LNMT_ERR_CONFLICT');
    assert.match(err.message, /"maintenance" is a built-in job: it cannot be deleted, but it can be disabled/);
    assert.equal((await one.update('maintenance', { enabled: false, name: 'rollups' }, bodyWhere, 'params.id')).enabled, false);
    await two.ensureBuiltins();
    const again = jobsFor(full);
    await again.ensureBuiltins();
    assert.deepEqual((await again.list()).filter((j) => j.builtin).map((j) => [j.name, j.enabled]), [['rollups', false], ['store-optimize', true]], 'a renamed, disabled built-in is not re-created');
  });

  it('user jobs can be deleted with their history', async () => {
    const j = await create({ name: 'gone', every: '1m' });
    await t.scheduler.runNow('gone', 'job');
    await t.scheduler.idle();
    assert.equal((await t.runs.page(j.id, { limit: 10, offset: 0 })).total, 1);
    const removed = await t.scheduler.jobs.remove('gone', 'params.id');
    assert.equal(removed.last_run?.status, 'succeeded');
    assert.equal((await t.runs.page(j.id, { limit: 10, offset: 0 })).total, 0);
  });
});
