/**
 * Schedulers on a real store (SQLite file or a fresh PostgreSQL database), with a manual clock and job types
 * whose behaviour the tests control: count, sleep on the clock, hang, fail a number of times.
 */
import Type from 'typebox';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { schedulerDefaults, type SchedulerConfig } from '../../src/core/config/sections/scheduler.js';
import type { AnyEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import type { BuiltinJob } from '../../src/scheduler/builtin-jobs.js';
import { sleep, type Clock } from '../../src/scheduler/clock.js';
import type { JobRunContext, JobType } from '../../src/scheduler/job-type.js';
import { JobTypeRegistry } from '../../src/scheduler/job-type-registry.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { JobRepo } from '../../src/store/repositories/job-repo.js';
import { JobRunRepo } from '../../src/store/repositories/job-run-repo.js';
import type { Store } from '../../src/store/store.js';
import type { JobRunRow } from '../../src/store/tables/scheduler.js';
import { PG_ADMIN, postgresDialect, postgresReachable, sqliteDialect, type Dialect } from '../fixtures/dialects.js';

/** One database that several store connections (several "processes") open. */
export type TestDatabase = Dialect;
export { PG_ADMIN, postgresReachable };
export const sqliteDatabase = sqliteDialect;
export const postgresDatabase = postgresDialect;

/** What the test job types saw: one entry per run that reached a job body. */
export interface Call {
  type: string;
  job: string;
  runId: string;
  trigger: string;
  attempt: number;
  scheduledFor: number;
  at: number;
}

const Empty = Type.Object({}, { additionalProperties: false });
const Sleep = Type.Object({ ms: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
const Flaky = Type.Object({ failures: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

/**
 * `count` returns at once; `sleep` waits `ms` on the clock and honours its signal; `hang` never ends and ignores
 * its signal; `flaky` fails its first `failures` calls per job.
 */
export function testJobTypes(clock: Clock, calls: Call[]): JobType[] {
  const seen = (type: string, ctx: JobRunContext) => calls.push({ type, job: ctx.job.name, runId: ctx.runId, trigger: ctx.trigger, attempt: ctx.attempt, scheduledFor: ctx.scheduledFor, at: clock.now() });
  const failuresSoFar = new Map<string, number>();
  const count: JobType<typeof Empty> = {
    name: 'count',
    description: 'counts its runs',
    params: Empty,
    async run(_p, ctx) {
      seen('count', ctx);
      return { n: calls.filter((c) => c.job === ctx.job.name).length };
    },
  };
  const sleeper: JobType<typeof Sleep> = {
    name: 'sleep',
    description: 'sleeps on the clock',
    params: Sleep,
    async run(p, ctx) {
      seen('sleep', ctx);
      await sleep(clock, p.ms, ctx.signal);
      return { slept: p.ms };
    },
  };
  const hang: JobType<typeof Empty> = {
    name: 'hang',
    description: 'never ends, ignores its signal',
    params: Empty,
    run(_p, ctx) {
      seen('hang', ctx);
      return new Promise(() => {});
    },
  };
  const flaky: JobType<typeof Flaky> = {
    name: 'flaky',
    description: 'fails its first calls',
    params: Flaky,
    async run(p, ctx) {
      seen('flaky', ctx);
      const n = (failuresSoFar.get(ctx.job.id) ?? 0) + 1;
      failuresSoFar.set(ctx.job.id, n);
      if (n <= p.failures) throw new Error(`failure ${n} of ${p.failures}`);
      return { succeededOnCall: n };
    },
  };
  return [count, sleeper, hang, flaky] as JobType[];
}

export interface TestScheduler {
  scheduler: Scheduler;
  store: Store;
  calls: Call[];
  events: AnyEvent[];
  bus: MemoryBus;
  jobs: JobRepo;
  runs: JobRunRepo;
  /** Every run of a job, oldest first. */
  history(jobName: string): Promise<JobRunRow[]>;
}

export interface TestSchedulerOptions {
  clock: Clock;
  config?: Partial<SchedulerConfig>;
  runner?: string;
  defaultTimeZone?: string;
  isAlive?: (pid: number) => boolean;
  /** Calls shared with other schedulers (to count runs across them). */
  calls?: Call[];
  /** Built-in jobs to create at start (none by default). */
  builtins?: readonly BuiltinJob[];
}

export async function testScheduler(store: Store, o: TestSchedulerOptions): Promise<TestScheduler> {
  const calls = o.calls ?? [];
  const bus = new MemoryBus();
  const events: AnyEvent[] = [];
  bus.subscribe({ name: 'test', types: ['job.*'] }, (batch) => void events.push(...batch));
  const types = new JobTypeRegistry();
  for (const t of testJobTypes(o.clock, calls)) types.register(t);
  const jobs = new JobRepo(store.db);
  const runs = new JobRunRepo(store.db);
  // A long poll keeps manual-clock days cheap; tests of polling set their own.
  const config: SchedulerConfig = { ...schedulerDefaults(), pollIntervalMs: 60_000, ...o.config };
  const scheduler = new Scheduler({
    jobs,
    runs,
    types,
    bus,
    sensor: 'test',
    config,
    defaultTimeZone: o.defaultTimeZone ?? 'UTC',
    clock: o.clock,
    logger: silentLogger(),
    builtins: o.builtins ?? [],
    ...(o.runner ? { runner: o.runner } : {}),
    ...(o.isAlive ? { isAlive: o.isAlive } : {}),
  });
  return {
    scheduler,
    store,
    calls,
    events,
    bus,
    jobs,
    runs,
    async history(jobName) {
      const job = await jobs.getByName(jobName);
      if (!job) throw new Error(`no job ${jobName}`);
      const { items } = await runs.page(job.id, { limit: 10_000, offset: 0 });
      return items.reverse();
    },
  };
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
