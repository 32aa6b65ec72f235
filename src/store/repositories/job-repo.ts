import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { JobRow } from '../tables/scheduler.js';

export type JobPatch = Partial<Omit<JobRow, 'id' | 'builtin' | 'created_at'>>;

/** Job definitions, and the two conditional updates that claim a due run. */
export class JobRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: JobRow): Promise<void> {
    await this.db.insertInto('jobs').values(row).execute();
  }

  /** Inserts unless a job with the same name or built-in key exists; true when inserted. */
  async insertIfAbsent(row: JobRow): Promise<boolean> {
    const r = await this.db.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  get(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByName(name: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('name', '=', name).executeTakeFirst();
  }

  getBuiltin(key: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('builtin', '=', key).executeTakeFirst();
  }

  list(): Promise<JobRow[]> {
    return this.db.selectFrom('jobs').selectAll().orderBy('name').execute();
  }

  async update(id: string, patch: JobPatch): Promise<JobRow | undefined> {
    if (Object.keys(patch).length > 0) await this.db.updateTable('jobs').set(patch).where('id', '=', id).execute();
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Enabled jobs with a run or a retry due at `now`, earliest first. */
  due(now: number): Promise<JobRow[]> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where('enabled', '=', 1)
      .where((eb) => eb.or([eb('next_run_at', '<=', now), eb('retry_at', '<=', now)]))
      .orderBy(sql`coalesce(next_run_at, retry_at)`)
      .execute();
  }

  /** The earliest time any enabled job is due (run or retry), or null. */
  async earliestDue(): Promise<number | null> {
    const r = await this.db
      .selectFrom('jobs')
      .select((eb) => [eb.fn.min('next_run_at').as('run'), eb.fn.min('retry_at').as('retry')])
      .where('enabled', '=', 1)
      .executeTakeFirst();
    const times = [r?.run, r?.retry].filter((t): t is number => t !== null && t !== undefined).map(Number);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /**
   * Claims the run due at `due`: moves `next_run_at` on to `next` only if it still equals `due`. Of several
   * schedulers that read the same value, exactly one sees a row updated. A pending retry is dropped: the
   * scheduled run supersedes it.
   */
  async claimRun(id: string, due: number, next: number | null): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ next_run_at: next, retry_at: null, retry_attempt: null, retry_scheduled_for: null })
      .where('id', '=', id)
      .where('enabled', '=', 1)
      .where('next_run_at', '=', due)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Claims the pending retry due at `due`, the same way. */
  async claimRetry(id: string, due: number): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ retry_at: null, retry_attempt: null, retry_scheduled_for: null })
      .where('id', '=', id)
      .where('enabled', '=', 1)
      .where('retry_at', '=', due)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setRetry(id: string, retry: { at: number; attempt: number; scheduledFor: number }): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ retry_at: retry.at, retry_attempt: retry.attempt, retry_scheduled_for: retry.scheduledFor })
      .where('id', '=', id)
      .execute();
  }
}
