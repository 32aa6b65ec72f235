import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import type { JobRepo } from '../store/repositories/job-repo.js';
import type { JobRunRepo, RunEnd } from '../store/repositories/job-run-repo.js';
import type { JobRow, JobRunRow } from '../store/tables/scheduler.js';
import type { Clock } from './clock.js';
import type { JobTypeRegistry } from './job-type-registry.js';
import type { PendingWork } from './pending-work.js';
import { jobRef, runFinishedEvent, runStartedEvent } from './run-events.js';
import { RunTimeoutError, errorText, retryDelay, summaryText, untilAborted } from './run-outcome.js';

export interface RunExecutorDeps {
  jobs: JobRepo;
  runs: JobRunRepo;
  types: JobTypeRegistry;
  bus: EventBus;
  sensor: string;
  clock: Clock;
  logger: Logger;
  /** `host:pid` written on the runs this process holds. */
  runner: string;
  maxRetryDelayMs: number;
  work: PendingWork;
  /** Called when a run has been recorded as ended (the scheduler looks for queued runs and retries then). */
  onRunEnded(): void;
}

interface ActiveRun {
  jobId: string;
  controller: AbortController;
  done: Promise<JobRunRow>;
}

/**
 * Runs the job behind a run row this process holds: timeout through an AbortSignal, the end recorded, events
 * published, a retry scheduled after a failure. Also records the end of runs that never start (skipped) or
 * whose process died (abandoned).
 */
export class RunExecutor {
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly deps: RunExecutorDeps) {}

  /** Starts the job of a run already recorded `running` by this runner; resolves with the final row. */
  launch(job: JobRow, run: JobRunRow): Promise<JobRunRow> {
    const controller = new AbortController();
    const done = this.execute(job, run, controller).finally(() => {
      this.active.delete(run.id);
      this.deps.onRunEnded();
    });
    this.active.set(run.id, { jobId: job.id, controller, done });
    return done;
  }

  /** Ids of the runs executing in this process (their leases are renewed). */
  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  done(runId: string): Promise<JobRunRow> | undefined {
    return this.active.get(runId)?.done;
  }

  /** Aborts this process's runs of one job (deleted), or of all jobs (stopping). */
  abort(reason: Error, jobId?: string): void {
    for (const a of this.active.values()) if (jobId === undefined || a.jobId === jobId) a.controller.abort(reason);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  /** A run recorded `skipped` (overlap or catch-up policy): only its event. */
  async skipped(job: JobRow, run: JobRunRow): Promise<void> {
    await this.publish(runFinishedEvent(job, run, this.deps.sensor, this.deps.clock.now()));
  }

  /** A run some process left `running` and that was just marked failed: its event, and a retry if any are left. */
  async abandoned(job: JobRow, run: JobRunRow): Promise<void> {
    await this.publish(runFinishedEvent(job, run, this.deps.sensor, this.deps.clock.now()));
    await this.scheduleRetry(job.id, run, run.ended_at ?? this.deps.clock.now());
  }

  private async execute(job: JobRow, run: JobRunRow, controller: AbortController): Promise<JobRunRow> {
    const { clock, logger, work } = this.deps;
    await work.track(this.publish(runStartedEvent(job, run, this.deps.sensor, run.started_at ?? clock.now())));
    const cancelTimeout = clock.setTimer(() => controller.abort(new RunTimeoutError(job.timeout_ms)), job.timeout_ms);
    const started = run.started_at ?? clock.now();
    let end: Omit<RunEnd, 'ended_at' | 'duration_ms'>;
    try {
      const summary = await untilAborted(this.body(job, run, controller.signal), controller.signal);
      end = { status: 'succeeded', summary: summaryText(summary), error: null };
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      end = { status: reason instanceof RunTimeoutError ? 'timed_out' : 'failed', summary: null, error: errorText(reason) };
      logger.warn({ job: job.name, run: run.id, attempt: run.attempt, err: reason }, `job run ${end.status}`);
    } finally {
      cancelTimeout();
    }
    const ended = clock.now();
    return work.track(this.record(job, run, { ...end, ended_at: ended, duration_ms: Math.max(0, ended - started) }));
  }

  private async body(job: JobRow, run: JobRunRow, signal: AbortSignal): Promise<unknown> {
    const type = this.deps.types.get(job.type);
    if (!type) throw new Error(`job type "${job.type}" is not registered in this process (registered: ${this.deps.types.list().map((t) => t.name).join(', ')})`);
    return type.run(JSON.parse(job.params) as never, {
      signal,
      logger: this.deps.logger.child({ job: job.name, run: run.id }),
      job: jobRef(job),
      runId: run.id,
      trigger: run.trigger,
      attempt: run.attempt,
      scheduledFor: run.scheduled_for,
    });
  }

  private async record(job: JobRow, run: JobRunRow, end: RunEnd): Promise<JobRunRow> {
    const { runs, logger } = this.deps;
    const final: JobRunRow = { ...run, ...end };
    if (!(await runs.finish(run.id, this.deps.runner, end))) {
      // Another scheduler took it for dead (our lease lapsed) and recorded its end already.
      logger.warn({ job: job.name, run: run.id }, 'job run ended but was no longer held by this process; its end was recorded elsewhere');
      return (await runs.get(run.id)) ?? final;
    }
    await this.publish(runFinishedEvent(job, final, this.deps.sensor, end.ended_at));
    if (end.status !== 'succeeded') await this.scheduleRetry(job.id, run, end.ended_at);
    return final;
  }

  /** After a failed attempt: the next one at base × 2^(attempt-1) (capped), if the job (still) allows one. */
  private async scheduleRetry(jobId: string, run: JobRunRow, now: number): Promise<void> {
    const job = await this.deps.jobs.get(jobId);
    if (!job || job.enabled !== 1 || run.attempt > job.retries) return;
    const at = now + retryDelay(job.retry_delay_ms, run.attempt, this.deps.maxRetryDelayMs);
    await this.deps.jobs.setRetry(job.id, { at, attempt: run.attempt + 1, scheduledFor: run.scheduled_for });
    this.deps.logger.info({ job: job.name, attempt: run.attempt + 1, at: new Date(at).toISOString() }, 'job retry scheduled');
  }

  /** Events are best effort: a bus failure is logged, never turned into a failed run. */
  private async publish(event: Parameters<EventBus['publish']>[0][number]): Promise<void> {
    try {
      await this.deps.bus.publish([event]);
    } catch (err) {
      this.deps.logger.error({ err, type: event.type }, 'could not publish a job event');
    }
  }
}
