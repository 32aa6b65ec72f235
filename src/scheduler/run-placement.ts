import { uuidv7 } from '../core/ids.js';
import type { JobRunRepo } from '../store/repositories/job-run-repo.js';
import type { JobRow, JobRunRow, RunTrigger } from '../store/tables/scheduler.js';
import type { RunExecutor } from './run-executor.js';

/** Which run of a job to place: its schedule time, why it runs, which attempt. */
export interface RunSpec {
  scheduled_for: number;
  trigger: RunTrigger;
  attempt: number;
}

export type Placement =
  | { outcome: 'started'; run: JobRunRow; done: Promise<JobRunRow> }
  | { outcome: 'queued' | 'skipped'; run: JobRunRow }
  /** This (job, time, attempt) has a run already: someone else placed it. */
  | { outcome: 'duplicate' };

export interface RunPlacementDeps {
  runs: JobRunRepo;
  executor: RunExecutor;
  runner: string;
  leaseMs: number;
}

/**
 * Turns a claimed run into a row and, if it may start, starts it. The overlap policy is decided by the store's
 * unique indexes, not by a read-then-write: inserting a `running` row fails while the job has one (in any
 * process); then `skip` records a skipped run, and `queue` inserts a `queued` row — which fails in turn if
 * one is already waiting, and the run is skipped (one waiting run per job, so a slow job never piles up).
 */
export class RunPlacement {
  constructor(private readonly deps: RunPlacementDeps) {}

  async place(job: JobRow, spec: RunSpec, now: number): Promise<Placement> {
    const { runs, executor, runner, leaseMs } = this.deps;
    const running = row(job, spec, now, { status: 'running', started_at: now, runner, lease_until: now + leaseMs });
    let conflict = await runs.insert(running);
    if (conflict === null) return { outcome: 'started', run: running, done: executor.launch(job, running) };
    if (conflict === 'duplicate') return { outcome: 'duplicate' };
    let reason = 'the previous run of this job was still running';
    if (job.overlap === 'queue') {
      const queued = row(job, spec, now, { status: 'queued' });
      conflict = await runs.insert(queued);
      if (conflict === null) return { outcome: 'queued', run: queued };
      if (conflict === 'duplicate') return { outcome: 'duplicate' };
      reason = 'a run of this job was already waiting behind the running one';
    }
    return this.skip(job, spec, reason, now);
  }

  /** Records a run that will not run, with the reason in its summary. */
  async skip(job: JobRow, spec: RunSpec, reason: string, now: number): Promise<Placement> {
    const skipped = row(job, spec, now, { status: 'skipped', ended_at: now, duration_ms: 0, summary: JSON.stringify({ reason }) });
    if ((await this.deps.runs.insert(skipped)) === 'duplicate') return { outcome: 'duplicate' };
    await this.deps.executor.skipped(job, skipped);
    return { outcome: 'skipped', run: skipped };
  }
}

function row(job: JobRow, spec: RunSpec, now: number, fields: Partial<JobRunRow> & Pick<JobRunRow, 'status'>): JobRunRow {
  return {
    id: uuidv7(now),
    job_id: job.id,
    scheduled_for: spec.scheduled_for,
    trigger: spec.trigger,
    attempt: spec.attempt,
    created_at: now,
    started_at: null,
    ended_at: null,
    duration_ms: null,
    summary: null,
    error: null,
    runner: null,
    lease_until: null,
    ...fields,
  };
}
