import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { BackgroundService } from '../app/context.js';
import type { EventBus } from '../core/bus/event-bus.js';
import type { SchedulerConfig } from '../core/config/sections/scheduler.js';
import { pidAlive } from '../core/pid-alive.js';
import type { JobRepo } from '../store/repositories/job-repo.js';
import type { JobRunRepo } from '../store/repositories/job-run-repo.js';
import type { JobRow, JobRunRow } from '../store/tables/scheduler.js';
import { BUILTIN_JOBS, type BuiltinJob } from './builtin-jobs.js';
import type { Clock } from './clock.js';
import { ScheduleCache } from './job-schedule.js';
import { JobService, type JobChange } from './job-service.js';
import type { JobTypeRegistry } from './job-type-registry.js';
import { PendingWork } from './pending-work.js';
import { RunExecutor } from './run-executor.js';
import { RunInterruptedError } from './run-outcome.js';
import { RunPlacement, type Placement } from './run-placement.js';

export interface SchedulerDeps {
  jobs: JobRepo;
  runs: JobRunRepo;
  types: JobTypeRegistry;
  bus: EventBus;
  /** `node.name`, the `sensor` of the events. */
  sensor: string;
  config: SchedulerConfig;
  /** `scheduler.timezone`, or the system zone when that is empty. */
  defaultTimeZone: string;
  clock: Clock;
  logger: Logger;
  /** `host:pid`; tests running two schedulers in one process give each its own. */
  runner?: string;
  /** Whether a pid of this host is alive (runs of dead processes are recovered at start). */
  isAlive?: (pid: number) => boolean;
  builtins?: readonly BuiltinJob[];
}

/** Counters for tests and diagnostics. */
export interface SchedulerStats {
  ticks: number;
  /** Due runs this scheduler claimed, and those another scheduler claimed first. */
  claimed: number;
  lost: number;
  recovered: number;
}

/**
 * The job loop of a process. One timer, armed for the earliest due job (or the next look at the store, every
 * `scheduler.pollIntervalMs`, for changes made by other processes). A due run is claimed with a conditional
 * UPDATE, so with several schedulers on one database (the fleet's hubs, or `serve` next to a second `serve`)
 * each run happens once. Runs hold a renewed lease; a run whose lease lapsed is recovered by any scheduler.
 */
export class Scheduler implements BackgroundService {
  readonly name = 'scheduler';
  readonly jobs: JobService;
  readonly types: JobTypeRegistry;
  readonly stats: SchedulerStats = { ticks: 0, claimed: 0, lost: 0, recovered: 0 };
  readonly runner: string;

  private readonly executor: RunExecutor;
  private readonly placement: RunPlacement;
  private readonly schedules: ScheduleCache;
  private readonly work = new PendingWork();
  private running = false;
  private cancelTimer: (() => void) | null = null;
  private tickInFlight: Promise<void> | null = null;
  private tickAgain = false;
  private nextHousekeeping = 0;
  private lastRenewal = 0;
  /** A run of this process ended: a run queued behind it may start now rather than at the next poll. */
  private queuedMayStart = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.types = deps.types;
    this.runner = deps.runner ?? `${hostname()}:${process.pid}`;
    this.schedules = new ScheduleCache(deps.defaultTimeZone);
    this.executor = new RunExecutor({
      jobs: deps.jobs,
      runs: deps.runs,
      types: deps.types,
      bus: deps.bus,
      sensor: deps.sensor,
      clock: deps.clock,
      logger: deps.logger,
      runner: this.runner,
      maxRetryDelayMs: deps.config.maxRetryDelayMs,
      work: this.work,
      onRunEnded: () => {
        this.queuedMayStart = true;
        this.wake();
      },
    });
    this.placement = new RunPlacement({ runs: deps.runs, executor: this.executor, runner: this.runner, leaseMs: deps.config.leaseMs });
    this.jobs = new JobService({
      jobs: deps.jobs,
      runs: deps.runs,
      types: deps.types,
      clock: deps.clock,
      logger: deps.logger,
      defaultTimeZone: deps.defaultTimeZone,
      defaults: deps.config.defaults,
      builtins: deps.builtins ?? BUILTIN_JOBS,
      onChange: (id, change) => this.changed(id, change),
    });
  }

  /** Creates the built-in jobs, recovers runs of dead processes of this host, and starts the loop. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.jobs.ensureBuiltins();
    await this.recoverDeadProcesses();
    this.running = true;
    this.nextHousekeeping = 0;
    this.wake();
  }

  /** Stops the loop, interrupts this process's runs (they end `failed`, retried later if allowed) and waits. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.tickInFlight;
    this.executor.abort(new RunInterruptedError('interrupted: the scheduler stopped'));
    await this.executor.drain();
    await this.work.idle();
  }

  /** Look at the store now (after a change made in this process, or a run's end). */
  wake(): void {
    if (!this.running) return;
    this.arm(0);
  }

  /**
   * Runs a job now, outside its schedule (trigger `manual`), in this process, under the job's overlap
   * policy: the result is the run, `running` (with `done`), `queued` or `skipped`.
   */
  async runNow(ref: string, where: string): Promise<{ run: JobRunRow; done: Promise<JobRunRow> | null }> {
    const job = await this.jobs.find(ref, where);
    const now = this.deps.clock.now();
    // Manual runs are outside the one-run-per-scheduled-time index: each request is a run of its own.
    const placed = await this.work.track(this.placement.place(job, { scheduled_for: now, trigger: 'manual', attempt: 1 }, now));
    if (placed.outcome === 'duplicate') throw new Error(`manual run of job ${job.name} refused as a duplicate`);
    return { run: placed.run, done: placed.outcome === 'started' ? placed.done : null };
  }

  /** Aborts this process's runs (Ctrl-C in `lnmt jobs run`): they end `failed` with this reason. */
  interrupt(reason: string): void {
    this.executor.abort(new RunInterruptedError(reason));
  }

  /** Resolves when no tick and no run bookkeeping of this scheduler is in flight (tests, shutdown). */
  idle(): Promise<void> {
    return this.work.idle();
  }

  /** Resolves when this process's run has ended (null if it is not running here). */
  runDone(runId: string): Promise<JobRunRow> | null {
    return this.executor.done(runId) ?? null;
  }

  private changed(jobId: string, change: JobChange): void {
    this.schedules.forget(jobId);
    if (change === 'deleted') this.executor.abort(new RunInterruptedError('cancelled: the job was deleted'), jobId);
    this.wake();
  }

  private arm(delay: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.deps.clock.setTimer(() => {
      this.cancelTimer = null;
      this.runTick();
    }, delay);
  }

  /** One tick at a time; a wake during a tick runs another right after it. */
  private runTick(): void {
    if (this.tickInFlight) {
      this.tickAgain = true;
      return;
    }
    this.tickInFlight = this.work.track(
      this.tick()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'scheduler tick failed; retrying at the next poll'))
        .finally(() => {
          this.tickInFlight = null;
          if (!this.running) return;
          if (this.tickAgain) {
            this.tickAgain = false;
            this.arm(0);
          } else if (this.cancelTimer === null) {
            this.arm(this.deps.config.pollIntervalMs);
          }
        }),
    );
  }

  private async tick(): Promise<void> {
    const { clock, config, jobs } = this.deps;
    this.stats.ticks++;
    let now = clock.now();
    if (now - this.lastRenewal >= config.leaseMs / 3) await this.renewLeases(now);
    if (now >= this.nextHousekeeping) {
      await this.recoverExpiredLeases(now);
      this.queuedMayStart = true;
      this.nextHousekeeping = now + config.pollIntervalMs;
    }
    if (this.queuedMayStart) {
      this.queuedMayStart = false;
      await this.startQueued();
    }
    for (const job of await jobs.due(now)) {
      if (!this.running) return;
      if (job.retry_at !== null && job.retry_at <= now) await this.claimRetry(job, now);
      if (job.next_run_at !== null && job.next_run_at <= now) await this.claimScheduled(job, now);
    }
    if (!this.running) return;
    const earliest = await jobs.earliestDue();
    now = clock.now();
    let wakeAt = this.nextHousekeeping;
    if (earliest !== null) wakeAt = Math.min(wakeAt, earliest);
    if (this.executor.activeRunIds().length > 0) wakeAt = Math.min(wakeAt, this.lastRenewal + config.leaseMs / 3);
    if (!this.tickAgain) this.arm(Math.max(0, wakeAt - now));
  }

  /** The scheduled run due at `next_run_at`; missed runs (late beyond `lateGraceMs`) follow the catch-up policy. */
  private async claimScheduled(job: JobRow, now: number): Promise<void> {
    const due = job.next_run_at!;
    let next: number | null;
    try {
      next = this.schedules.get(job).next(due, now);
    } catch (err) {
      this.deps.logger.error({ err, job: job.name }, 'job schedule cannot be evaluated; it will not run until it is edited');
      next = null;
    }
    if (!(await this.deps.jobs.claimRun(job.id, due, next))) {
      this.stats.lost++;
      return;
    }
    this.stats.claimed++;
    const late = now - due > this.deps.config.lateGraceMs;
    if (late && job.catch_up === 'skip') {
      const missed = this.schedules.get(job).missed(due, now, 10_000);
      const reason = `missed ${missed >= 10_000 ? 'at least 10000' : missed} run${missed === 1 ? '' : 's'} since ${new Date(due).toISOString()} while no scheduler ran (catch-up policy: skip)`;
      this.report(job, await this.placement.skip(job, { scheduled_for: due, trigger: 'catch_up', attempt: 1 }, reason, now));
      return;
    }
    this.report(job, await this.placement.place(job, { scheduled_for: due, trigger: late ? 'catch_up' : 'schedule', attempt: 1 }, now));
  }

  private async claimRetry(job: JobRow, now: number): Promise<void> {
    const due = job.retry_at!;
    if (!(await this.deps.jobs.claimRetry(job.id, due))) {
      this.stats.lost++;
      return;
    }
    this.stats.claimed++;
    this.report(job, await this.placement.place(job, { scheduled_for: job.retry_scheduled_for ?? due, trigger: 'retry', attempt: job.retry_attempt ?? 2 }, now));
  }

  private report(job: JobRow, placed: Placement): void {
    if (placed.outcome === 'duplicate') this.deps.logger.warn({ job: job.name }, 'claimed a run that already exists; not running it twice');
    else this.deps.logger.debug({ job: job.name, run: placed.run.id, outcome: placed.outcome, trigger: placed.run.trigger }, 'job run placed');
  }

  /** Queued runs whose job has nothing running any more: start them here (the first process to try wins). */
  private async startQueued(): Promise<void> {
    const { runs, jobs, clock, config } = this.deps;
    for (const q of await runs.startable()) {
      if (!this.running) return;
      const now = clock.now();
      const held = { runner: this.runner, started_at: now, lease_until: now + config.leaseMs };
      const job = await jobs.get(q.job_id);
      if (!job || !(await runs.start(q.id, held))) continue;
      this.executor.launch(job, { ...q, status: 'running', ...held });
    }
  }

  private async renewLeases(now: number): Promise<void> {
    this.lastRenewal = now;
    await this.deps.runs.renewLeases(this.executor.activeRunIds(), this.runner, now + this.deps.config.leaseMs);
  }

  /** Runs whose runner stopped renewing its lease (a dead or hung process, on any host). */
  private async recoverExpiredLeases(now: number): Promise<void> {
    for (const run of await this.deps.runs.running(now)) {
      if (this.executor.isActive(run.id)) continue; // ours: renewed at the next tick
      await this.abandon(run, `interrupted: its lease expired at ${new Date(run.lease_until ?? now).toISOString()} (runner ${run.runner ?? 'unknown'} stopped renewing it)`, now);
    }
  }

  /** At start: runs left `running` by processes of this host that no longer exist (as scans do). */
  private async recoverDeadProcesses(): Promise<void> {
    const host = `${hostname()}:`;
    const alive = this.deps.isAlive ?? pidAlive;
    for (const run of await this.deps.runs.running()) {
      if (!run.runner?.startsWith(host) || this.executor.isActive(run.id)) continue;
      const pid = Number(run.runner.slice(host.length));
      if (alive(pid)) continue;
      await this.abandon(run, `interrupted: the process running it (${run.runner}) stopped`, this.deps.clock.now());
    }
  }

  private async abandon(run: JobRunRow, error: string, now: number): Promise<void> {
    if (!(await this.deps.runs.abandon(run, error, now))) return;
    this.stats.recovered++;
    const job = await this.deps.jobs.get(run.job_id);
    this.deps.logger.warn({ job: job?.name, run: run.id, runner: run.runner }, error);
    const ended: JobRunRow = { ...run, status: 'failed', error, ended_at: now, duration_ms: run.started_at === null ? null : Math.max(0, now - run.started_at) };
    if (job) await this.executor.abandoned(job, ended);
  }
}
