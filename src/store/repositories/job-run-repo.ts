import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { JobRunRow, RunStatus } from '../tables/scheduler.js';

/** Why an insert or a status change was refused by a unique index. */
export type RunConflict = 'busy' | 'duplicate';

export interface RunEnd {
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'timed_out'>;
  ended_at: number;
  duration_ms: number;
  summary: string | null;
  error: string | null;
}

export interface RunPageQuery {
  limit: number;
  offset: number;
  status?: RunStatus | undefined;
}

/** Run history. The partial unique indexes of migration 0003 arbitrate between processes; this reports it. */
export class JobRunRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts a run. `busy`: the job already has a run in that status (running or queued); `duplicate`: this
   * (job, scheduled time, attempt) already has a run.
   */
  async insert(row: JobRunRow): Promise<RunConflict | null> {
    try {
      await this.db.insertInto('job_runs').values(row).execute();
      return null;
    } catch (err) {
      return conflictOf(err);
    }
  }

  get(id: string): Promise<JobRunRow | undefined> {
    return this.db.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The job's running and queued runs. */
  async active(jobId: string): Promise<{ running?: JobRunRow; queued?: JobRunRow }> {
    const rows = await this.db.selectFrom('job_runs').selectAll().where('job_id', '=', jobId).where('status', 'in', ['running', 'queued']).execute();
    return { running: rows.find((r) => r.status === 'running'), queued: rows.find((r) => r.status === 'queued') };
  }

  /** Queued runs whose job has nothing running, oldest first. */
  startable(): Promise<JobRunRow[]> {
    return this.db
      .selectFrom('job_runs as q')
      .selectAll('q')
      .where('q.status', '=', 'queued')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('job_runs as r').select('r.id').whereRef('r.job_id', '=', 'q.job_id').where('r.status', '=', 'running'))))
      .orderBy('q.created_at')
      .execute();
  }

  /** queued → running, if it is still queued and its job has nothing running. */
  async start(id: string, run: { runner: string; started_at: number; lease_until: number }): Promise<boolean> {
    try {
      const r = await this.db.updateTable('job_runs').set({ status: 'running', ...run }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    } catch (err) {
      if (conflictOf(err) === 'busy') return false;
      throw err;
    }
  }

  /** Records the end of a run this runner holds; false if it no longer does (recovered by another scheduler). */
  async finish(id: string, runner: string, end: RunEnd): Promise<boolean> {
    const r = await this.db.updateTable('job_runs').set(end).where('id', '=', id).where('status', '=', 'running').where('runner', '=', runner).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async renewLeases(ids: string[], runner: string, until: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('job_runs').set({ lease_until: until }).where('id', 'in', ids).where('status', '=', 'running').where('runner', '=', runner).execute();
  }

  /** Running runs (all of them: they are few), or only those whose lease ended before `leaseBefore`. */
  running(leaseBefore?: number): Promise<JobRunRow[]> {
    let q = this.db.selectFrom('job_runs').selectAll().where('status', '=', 'running');
    if (leaseBefore !== undefined) q = q.where('lease_until', '<', leaseBefore);
    return q.execute();
  }

  /** Marks a running run failed, only if it is still running with the lease that was read. */
  async abandon(run: JobRunRow, error: string, now: number): Promise<boolean> {
    let q = this.db
      .updateTable('job_runs')
      .set({ status: 'failed', error, ended_at: now, duration_ms: run.started_at === null ? null : Math.max(0, now - run.started_at) })
      .where('id', '=', run.id)
      .where('status', '=', 'running');
    q = run.lease_until === null ? q.where('lease_until', 'is', null) : q.where('lease_until', '=', run.lease_until);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A job's runs, newest first, and how many there are in all. */
  async page(jobId: string, q: RunPageQuery): Promise<{ items: JobRunRow[]; total: number }> {
    let base = this.db.selectFrom('job_runs').where('job_id', '=', jobId);
    if (q.status) base = base.where('status', '=', q.status);
    const [items, count] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    ]);
    return { items, total: Number(count?.n ?? 0) };
  }

  /** The latest run of each job (one indexed lookup per job: jobs are few, runs many). */
  async latest(jobIds: string[]): Promise<Map<string, JobRunRow>> {
    const rows = await Promise.all(
      jobIds.map((id) => this.db.selectFrom('job_runs').selectAll().where('job_id', '=', id).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()),
    );
    return new Map(rows.filter((r): r is JobRunRow => r !== undefined).map((r) => [r.job_id, r]));
  }

  /** Deletes finished runs created before `before`; returns how many. */
  async prune(before: number): Promise<number> {
    const r = await this.db.deleteFrom('job_runs').where('created_at', '<', before).where('status', 'not in', ['running', 'queued']).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/**
 * Unique-index violations, on either database: SQLite names the columns (`job_runs.job_id` alone for the
 * one-running / one-queued indexes), PostgreSQL the constraint.
 */
function conflictOf(err: unknown): RunConflict {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE') return e.message?.includes('scheduled_for') ? 'duplicate' : 'busy';
  if (e.code === '23505') return e.constraint === 'job_runs_occurrence_uq' ? 'duplicate' : 'busy';
  throw err;
}
