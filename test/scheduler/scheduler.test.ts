/**
 * The scheduler loop on a real SQLite store with a manual clock: schedules, overlap, timeouts, retries,
 * catch-up after downtime, recovery of runs left by dead processes, manual runs and events.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { bodyWhere } from '../../src/scheduler/job-limits.js';
import type { JobInput } from '../../src/scheduler/job-service.js';
import type { Store } from '../../src/store/store.js';
import { iso, sqliteDatabase, testScheduler, type TestDatabase, type TestScheduler } from './harness.js';
import { ManualClock } from './manual-clock.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;

let db: TestDatabase;
let store: Store;
let clock: ManualClock;
let t: TestScheduler;

async function setup(config: Parameters<typeof testScheduler>[1]['config'] = {}, start = T0, defaultTimeZone = 'UTC'): Promise<void> {
  db = sqliteDatabase();
  store = await db.open();
  clock = new ManualClock(start);
  t = await testScheduler(store, { clock, config, defaultTimeZone });
  clock.onSettle(() => t.scheduler.idle());
}

const add = (input: Partial<JobInput> & { name: string }) => t.scheduler.jobs.create({ type: 'count', ...input } as JobInput, bodyWhere);

afterEach(async () => {
  await t?.scheduler.stop();
  await db?.cleanup();
});

describe('scheduling', () => {
  beforeEach(() => setup());

  it('runs an interval job on its phase, records each run and publishes its events', async () => {
    const job = await add({ name: 'every10', every: '10s' });
    assert.equal(job.next_run_at, iso(T0 + 10 * S));
    await t.scheduler.start();
    await clock.advance(35 * S);
    const runs = await t.history('every10');
    assert.deepEqual(runs.map((r) => [iso(r.scheduled_for), r.trigger, r.attempt, r.status, r.started_at! - r.scheduled_for]), [
      [iso(T0 + 10 * S), 'schedule', 1, 'succeeded', 0],
      [iso(T0 + 20 * S), 'schedule', 1, 'succeeded', 0],
      [iso(T0 + 30 * S), 'schedule', 1, 'succeeded', 0],
    ]);
    assert.deepEqual(JSON.parse(runs[2]!.summary!), { n: 3 });
    assert.equal(runs[0]!.runner, t.scheduler.runner);
    assert.equal((await t.jobs.getByName('every10'))!.next_run_at, T0 + 40 * S);

    await t.bus.drain();
    const types = t.events.map((e) => e.type);
    assert.deepEqual(types, ['job.run_started', 'job.run_finished', 'job.run_started', 'job.run_finished', 'job.run_started', 'job.run_finished']);
    const fin = t.events[1]!;
    assert.equal(fin.type, 'job.run_finished');
    if (fin.type === 'job.run_finished') {
      assert.deepEqual(fin.data.job, { id: job.id, name: 'every10', type: 'count' });
      assert.equal(fin.data.status, 'succeeded');
      assert.equal(fin.data.trigger, 'schedule');
      assert.deepEqual(fin.data.summary, { n: 1 });
    }
    const started = t.events[0]!;
    if (started.type === 'job.run_started') assert.equal(started.data.scheduled_for, iso(T0 + 10 * S));
  });

  it('uses one timer for all jobs, armed for the earliest', async () => {
    for (let i = 0; i < 50; i++) await add({ name: `j${i}`, every: `${10 + i}s` });
    await t.scheduler.start();
    await clock.advance(S);
    assert.equal(clock.pendingTimers, 1);
    await clock.advance(60 * S);
    let expected = 0;
    for (let i = 0; i < 50; i++) expected += Math.floor(61 / (10 + i));
    assert.equal(t.calls.length, expected);
    assert.equal(clock.pendingTimers, 1);
  });

  it('a disabled job does not run; enabling it schedules it from now', async () => {
    await add({ name: 'off', every: '10s', enabled: false });
    await t.scheduler.start();
    await clock.advance(60 * S);
    assert.equal(t.calls.length, 0);
    const on = await t.scheduler.jobs.update('off', { enabled: true }, bodyWhere, 'job');
    assert.equal(on.next_run_at, iso(clock.now() + 10 * S));
    await clock.advance(10 * S);
    assert.equal(t.calls.length, 1);
  });

  it('a job of a type this process does not know fails with a clear error', async () => {
    const job = await add({ name: 'x', every: '10s' });
    await store.db.updateTable('jobs').set({ type: 'report' }).where('id', '=', job.id).execute();
    await t.scheduler.start();
    await clock.advance(10 * S);
    const [run] = await t.history('x');
    assert.equal(run!.status, 'failed');
    assert.match(run!.error!, /job type "report" is not registered in this process \(registered: count, flaky, hang, sleep\)/);
  });
});

describe('cron jobs across daylight-saving changes (manual clock)', () => {
  it('Europe/Berlin 02:30 from the scheduler default zone, and a per-job America/New_York zone', async () => {
    await setup({ pollIntervalMs: H }, Date.parse('2026-03-27T22:00:00Z'), 'Europe/Berlin'); // nothing to poll for: days pass quickly
    const berlin = await add({ name: 'berlin', cron: '30 2 * * *' });
    assert.equal(berlin.effective_timezone, 'Europe/Berlin');
    const ny = await add({ name: 'ny', cron: '30 2 * * *', timezone: 'america/new_york' });
    assert.equal(ny.timezone, 'America/New_York');
    await t.scheduler.start();
    await clock.advanceTo(Date.parse('2026-03-30T07:00:00Z'));
    assert.deepEqual((await t.history('berlin')).map((r) => iso(r.scheduled_for)), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist that day: 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    assert.deepEqual((await t.history('ny')).map((r) => iso(r.scheduled_for)), ['2026-03-28T06:30:00.000Z', '2026-03-29T06:30:00.000Z', '2026-03-30T06:30:00.000Z']);
    for (const r of await t.history('berlin')) assert.equal(r.started_at, r.scheduled_for);
  });

  it('Europe/Berlin fall back: */30 runs in both passes, a fixed 02:30 once', async () => {
    await setup({ pollIntervalMs: H }, Date.parse('2026-10-24T23:50:00Z'), 'Europe/Berlin');
    await add({ name: 'half-hourly', cron: '*/30 * * * *' });
    await add({ name: 'fixed', cron: '30 2 * * *' });
    await t.scheduler.start();
    await clock.advanceTo(Date.parse('2026-10-25T02:10:00Z'));
    assert.deepEqual((await t.history('half-hourly')).map((r) => iso(r.scheduled_for)), ['2026-10-25T00:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T02:00:00.000Z']);
    assert.deepEqual((await t.history('fixed')).map((r) => iso(r.scheduled_for)), ['2026-10-25T00:30:00.000Z']);
  });

  it('a 6-field expression runs on seconds', async () => {
    await setup();
    await add({ name: 'secs', cron: '*/20 * * * * *' });
    await t.scheduler.start();
    await clock.advance(M);
    assert.deepEqual((await t.history('secs')).map((r) => (r.scheduled_for - T0) / S), [20, 40, 60]);
  });
});

describe('overlap policies', () => {
  beforeEach(() => setup());

  it('skip: a run due while the previous one runs is recorded as skipped', async () => {
    await add({ name: 'slow', type: 'sleep', every: '10s', params: { ms: 25 * S }, overlap: 'skip' });
    await t.scheduler.start();
    await clock.advance(65 * S);
    const runs = await t.history('slow');
    assert.deepEqual(runs.map((r) => [(r.scheduled_for - T0) / S, r.status]), [
      [10, 'succeeded'],
      [20, 'skipped'],
      [30, 'skipped'],
      [40, 'succeeded'],
      [50, 'skipped'],
      [60, 'skipped'],
    ]);
    assert.deepEqual(JSON.parse(runs[1]!.summary!), { reason: 'the previous run of this job was still running' });
    await t.bus.drain();
    const skipped = t.events.filter((e) => e.type === 'job.run_finished' && e.data.status === 'skipped');
    assert.equal(skipped.length, 4);
    assert.equal(t.events.filter((e) => e.type === 'job.run_started').length, 2);
  });

  it('queue: a due run waits for the running one and starts when it ends; one waits at most', async () => {
    await add({ name: 'slow', type: 'sleep', every: '10s', params: { ms: 25 * S }, overlap: 'queue' });
    await t.scheduler.start();
    await clock.advance(58 * S);
    const runs = await t.history('slow');
    assert.deepEqual(runs.map((r) => [(r.scheduled_for - T0) / S, r.status, r.started_at === null ? null : (r.started_at - T0) / S]), [
      [10, 'succeeded', 10],
      [20, 'running', 35], // queued at 20, started when the first ended
      [30, 'skipped', null], // one was already waiting
      [40, 'queued', null], // waits behind the run of 20 (35..60)
      [50, 'skipped', null],
    ]);
    assert.deepEqual(JSON.parse(runs[2]!.summary!), { reason: 'a run of this job was already waiting behind the running one' });
    await clock.advance(4 * S);
    const later = await t.history('slow');
    assert.equal(later.find((r) => r.scheduled_for === T0 + 40 * S)!.started_at, T0 + 60 * S);
    // Never two running at once.
    const intervals = later.filter((r) => r.started_at !== null).map((r) => [r.started_at!, r.ended_at ?? Infinity] as const);
    for (let i = 1; i < intervals.length; i++) assert.ok(intervals[i]![0] >= intervals[i - 1]![1], JSON.stringify(intervals));
  });

  it('a manual run follows the same policy', async () => {
    await add({ name: 'slow', type: 'sleep', every: '1h', params: { ms: 30 * S }, overlap: 'skip' });
    await t.scheduler.start();
    const first = await t.scheduler.runNow('slow', 'job');
    assert.equal(first.run.status, 'running');
    assert.equal(first.run.trigger, 'manual');
    const second = await t.scheduler.runNow('slow', 'job');
    assert.equal(second.run.status, 'skipped');
    assert.equal(second.done, null);
    await clock.advance(30 * S);
    assert.equal((await first.done!).status, 'succeeded');
    await t.scheduler.jobs.update('slow', { overlap: 'queue' }, bodyWhere, 'job');
    const third = await t.scheduler.runNow('slow', 'job');
    const fourth = await t.scheduler.runNow('slow', 'job');
    assert.deepEqual([third.run.status, fourth.run.status], ['running', 'queued']);
    await clock.advance(30 * S);
    await clock.advance(30 * S);
    assert.deepEqual((await t.history('slow')).map((r) => r.status), ['succeeded', 'skipped', 'succeeded', 'succeeded']);
  });
});

describe('timeouts', () => {
  beforeEach(() => setup());

  it('aborts a run at its timeout (timed_out), also when the job ignores its signal', async () => {
    await add({ name: 'polite', type: 'sleep', every: '1h', params: { ms: 10 * M }, timeout_ms: 5 * S });
    await add({ name: 'rude', type: 'hang', every: '1h', timeout_ms: 7 * S });
    await t.scheduler.start();
    await clock.advance(H + 10 * S);
    for (const [name, ms] of [['polite', 5 * S], ['rude', 7 * S]] as const) {
      const [run] = await t.history(name);
      assert.equal(run!.status, 'timed_out', name);
      assert.equal(run!.duration_ms, ms, name);
      assert.match(run!.error!, new RegExp(`timed out after ${ms} ms`));
    }
    await t.bus.drain();
    assert.equal(t.events.filter((e) => e.type === 'job.run_finished' && e.data.status === 'timed_out').length, 2);
  });
});

describe('retries', () => {
  it('retries a failed run with exponential backoff, as the same scheduled run, until it succeeds', async () => {
    await setup();
    await add({ name: 'flaky', type: 'flaky', every: '1h', params: { failures: 3 }, retries: 5, retry_delay_ms: 1000 });
    await t.scheduler.start();
    await clock.advance(H + M);
    const runs = await t.history('flaky');
    assert.deepEqual(runs.map((r) => [r.attempt, r.trigger, r.status, (r.started_at! - T0 - H) / S, r.scheduled_for === T0 + H]), [
      [1, 'schedule', 'failed', 0, true],
      [2, 'retry', 'failed', 1, true],
      [3, 'retry', 'failed', 3, true],
      [4, 'retry', 'succeeded', 7, true],
    ]);
    assert.match(runs[0]!.error!, /failure 1 of 3/);
    assert.equal((await t.jobs.getByName('flaky'))!.retry_at, null);
  });

  it('stops after the last retry; the delay is capped by scheduler.maxRetryDelayMs', async () => {
    await setup({ maxRetryDelayMs: 1500 });
    await add({ name: 'flaky', type: 'flaky', every: '1h', params: { failures: 10 }, retries: 3, retry_delay_ms: 1000 });
    await t.scheduler.start();
    await clock.advance(H + M);
    const runs = await t.history('flaky');
    assert.deepEqual(runs.map((r) => [r.attempt, r.status, (r.started_at! - T0 - H) / 100]), [
      [1, 'failed', 0],
      [2, 'failed', 10],
      [3, 'failed', 25],
      [4, 'failed', 40],
    ]);
    assert.equal((await t.jobs.getByName('flaky'))!.retry_at, null);
  });

  it('a timed-out run is retried too', async () => {
    await setup();
    await add({ name: 'slow', type: 'sleep', every: '1h', params: { ms: 10 * S }, timeout_ms: 2 * S, retries: 1, retry_delay_ms: 500 });
    await t.scheduler.start();
    await clock.advance(H + M);
    assert.deepEqual((await t.history('slow')).map((r) => [r.attempt, r.status]), [[1, 'timed_out'], [2, 'timed_out']]);
  });
});

describe('catch-up after downtime', () => {
  it('once: runs one missed run at start (trigger catch_up), then keeps the schedule', async () => {
    await setup();
    await add({ name: 'hourly', every: '1h', catch_up: 'once' });
    await add({ name: 'cron-hourly', cron: '0 * * * *', catch_up: 'once' });
    await t.scheduler.start();
    await clock.advance(H);
    await t.scheduler.stop(); // the process goes away for five hours
    await clock.advance(5 * H + 10 * M);
    const b = await testScheduler(store, { clock });
    clock.onSettle(() => b.scheduler.idle());
    await b.scheduler.start();
    await clock.advance(M);
    assert.deepEqual((await t.history('hourly')).map((r) => [(r.scheduled_for - T0) / H, r.trigger, r.status, (r.started_at! - T0) / M]), [
      [1, 'schedule', 'succeeded', 60],
      [2, 'catch_up', 'succeeded', 6 * 60 + 10],
    ]);
    assert.equal((await t.jobs.getByName('hourly'))!.next_run_at, T0 + 7 * H, 'back on its phase');
    const cron = await t.history('cron-hourly');
    assert.deepEqual(cron.map((r) => [iso(r.scheduled_for), r.trigger]), [[iso(T0 + H), 'schedule'], [iso(T0 + 2 * H), 'catch_up']]);
    await clock.advance(H);
    assert.equal((await t.history('hourly')).at(-1)!.trigger, 'schedule');
    await b.scheduler.stop();
  });

  it('skip: records the missed runs as one skipped run and waits for the next', async () => {
    await setup();
    await add({ name: 'hourly', every: '1h', catch_up: 'skip' });
    await t.scheduler.start();
    await clock.advance(H);
    await t.scheduler.stop();
    await clock.advance(5 * H + 10 * M);
    await t.scheduler.start();
    await clock.advance(M);
    const runs = await t.history('hourly');
    assert.deepEqual(runs.map((r) => [(r.scheduled_for - T0) / H, r.trigger, r.status]), [[1, 'schedule', 'succeeded'], [2, 'catch_up', 'skipped']]);
    assert.match(JSON.parse(runs[1]!.summary!).reason, /^missed 5 runs since 2026-03-02T12:00:00.000Z while no scheduler ran \(catch-up policy: skip\)$/);
    assert.equal(t.calls.length, 1);
    await clock.advance(H);
    assert.equal(t.calls.length, 2);
  });

  it('a run only a little late is not a missed run', async () => {
    await setup({ lateGraceMs: 30 * S });
    await add({ name: 'hourly', every: '1h', catch_up: 'skip' });
    await t.scheduler.start();
    await t.scheduler.stop();
    await clock.advance(H + 20 * S);
    await t.scheduler.start();
    await clock.advance(0);
    assert.deepEqual((await t.history('hourly')).map((r) => [r.trigger, r.status]), [['schedule', 'succeeded']]);
  });
});

describe('runs left behind', () => {
  it('at start, runs of dead processes of this host are marked failed, with their event and a retry', async () => {
    await setup();
    const job = await add({ name: 'j', every: '1h', retries: 1, retry_delay_ms: 1000 });
    const dead = `${hostname()}:999999`;
    await store.db.insertInto('job_runs').values({ id: '01900000-0000-7000-8000-000000000001', job_id: job.id, scheduled_for: T0 - H, trigger: 'schedule', attempt: 1, status: 'running', created_at: T0 - H, started_at: T0 - H, ended_at: null, duration_ms: null, summary: null, error: null, runner: dead, lease_until: T0 + 10 * H }).execute();
    const b = await testScheduler(store, { clock, isAlive: (pid) => pid !== 999999 });
    clock.onSettle(() => b.scheduler.idle());
    await b.scheduler.start();
    await clock.advance(2 * S);
    const runs = await b.history('j');
    assert.deepEqual(runs.map((r) => [r.attempt, r.trigger, r.status]), [[1, 'schedule', 'failed'], [2, 'retry', 'succeeded']]);
    assert.equal(runs[0]!.error, `interrupted: the process running it (${dead}) stopped`);
    assert.equal(runs[0]!.duration_ms, H);
    await b.bus.drain();
    assert.ok(b.events.some((e) => e.type === 'job.run_finished' && e.data.run_id === runs[0]!.id && e.data.status === 'failed'));
    await b.scheduler.stop();
  });

  it('a run whose lease expired (any host) is marked failed by whichever scheduler sees it', async () => {
    await setup({ leaseMs: 30 * S, pollIntervalMs: S });
    const job = await add({ name: 'j', every: '1h' });
    await store.db.insertInto('job_runs').values({ id: '01900000-0000-7000-8000-000000000002', job_id: job.id, scheduled_for: T0, trigger: 'schedule', attempt: 1, status: 'running', created_at: T0, started_at: T0, ended_at: null, duration_ms: null, summary: null, error: null, runner: 'elsewhere:42', lease_until: T0 + 30 * S }).execute();
    await t.scheduler.start();
    await clock.advance(29 * S);
    assert.equal((await t.history('j'))[0]!.status, 'running');
    await clock.advance(3 * S);
    const [run] = await t.history('j');
    assert.equal(run!.status, 'failed');
    assert.match(run!.error!, /^interrupted: its lease expired at 2026-03-02T10:00:30.000Z \(runner elsewhere:42 stopped renewing it\)$/);
    assert.equal(t.scheduler.stats.recovered, 1);
  });

  it('a long run keeps renewing its lease, so no scheduler takes it for dead', async () => {
    await setup({ leaseMs: 30 * S });
    await add({ name: 'long', type: 'sleep', every: '1h', params: { ms: 5 * M }, timeout_ms: H });
    const other = await testScheduler(await db.open(), { clock, runner: 'other:1' });
    clock.onSettle(async () => {
      await t.scheduler.idle();
      await other.scheduler.idle();
    });
    await t.scheduler.start();
    await other.scheduler.start();
    await clock.advance(H + 6 * M);
    const [run] = await t.history('long');
    assert.equal(run!.status, 'succeeded');
    assert.equal(run!.duration_ms, 5 * M);
    assert.equal(t.scheduler.stats.recovered + other.scheduler.stats.recovered, 0);
    await other.scheduler.stop();
  });

  it('stopping the scheduler interrupts its runs (failed, retried later)', async () => {
    await setup();
    await add({ name: 'long', type: 'sleep', every: '1h', params: { ms: 5 * M }, retries: 1, retry_delay_ms: 1000 });
    await t.scheduler.start();
    await clock.advance(H + M);
    await t.scheduler.stop();
    const [run] = await t.history('long');
    assert.equal(run!.status, 'failed');
    assert.equal(run!.error, 'interrupted: the scheduler stopped');
    assert.equal((await t.jobs.getByName('long'))!.retry_attempt, 2);
  });

  it('deleting a job cancels its run in this process', async () => {
    await setup();
    await add({ name: 'long', type: 'sleep', every: '1h', params: { ms: 5 * M } });
    await t.scheduler.start();
    await clock.advance(H + M);
    const { run } = await t.scheduler.runNow('long', 'job'); // skipped: the scheduled one runs
    assert.equal(run.status, 'skipped');
    await t.scheduler.jobs.remove('long', 'job');
    await t.scheduler.idle();
    assert.equal((await t.runs.running()).length, 0);
    assert.equal(await t.jobs.getByName('long'), undefined);
  });
});

describe('changes made by another process', () => {
  it('are picked up within the poll interval', async () => {
    await setup({ pollIntervalMs: 2000 });
    await t.scheduler.start();
    await clock.advance(10 * S);
    const cli = await testScheduler(await db.open(), { clock }); // another process's view of the store: not started
    await cli.scheduler.jobs.create({ name: 'from-cli', type: 'count', every: '1s' }, bodyWhere);
    await clock.advance(1900);
    assert.equal(t.calls.length, 0, 'due after 1 s, seen at the next poll (2 s)');
    await clock.advance(200);
    assert.equal(t.calls.length, 1);
    assert.equal(t.calls[0]!.scheduledFor, T0 + 11 * S);
  });
});

after(() => db?.cleanup());
