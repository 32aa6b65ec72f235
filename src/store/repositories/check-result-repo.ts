import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';
import type { CheckResultRow } from '../tables/monitor.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewCheckResult {
  check_id: string;
  time: number;
  ok: boolean;
  latency_ms: number | null;
  message: string | null;
}

/** 5 parameters per row; SQLite allows 32,766 per statement. */
const CHUNK = 4000;

/** Raw check results: batched inserts, recent rows for one check, and retention by id range. */
export class CheckResultRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  async insertMany(db: Db, rows: readonly NewCheckResult[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, rows.slice(i, i + CHUNK), ['text', 'bigint', 'integer', 'real', 'text'], (r) => [r.check_id, r.time, r.ok ? 1 : 0, r.latency_ms, r.message], params);
      await db.executeQuery(CompiledQuery.raw(`INSERT INTO check_results (check_id, time, ok, latency_ms, message) VALUES ${values}`, params));
    }
  }

  async recent(checkId: string, limit: number, before?: number): Promise<CheckResultRow[]> {
    let q = this.db.selectFrom('check_results').selectAll().where('check_id', '=', checkId);
    if (before !== undefined) q = q.where('time', '<', before);
    return (await q.orderBy('time', 'desc').limit(limit).execute()).map((r) => ({ ...r, id: Number(r.id), time: Number(r.time), latency_ms: r.latency_ms === null ? null : Number(r.latency_ms) }));
  }

  /** Raw rows after `afterId`, in id order (the rollup's input). */
  async after(afterId: number, limit: number): Promise<CheckResultRow[]> {
    const rows = await this.db.selectFrom('check_results').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), time: Number(r.time), ok: Number(r.ok), latency_ms: r.latency_ms === null ? null : Number(r.latency_ms) }));
  }

  /**
   * Deletes rows older than `cutoff`. Ids grow with ingest time, so the boundary is found by a binary search
   * over the primary key (a few dozen point reads) and the delete is an id range: no index on time is needed.
   * Rows that arrived late with old timestamps go with their neighbours by id. Nothing at or above
   * `maxIdExclusive` (rows the rollup has not folded in yet) is deleted.
   */
  async deleteBefore(cutoff: number, maxIdExclusive: number, batch = 50_000): Promise<number> {
    const bounds = await this.db.selectFrom('check_results').select((eb) => [eb.fn.min('id').as('lo'), eb.fn.max('id').as('hi')]).executeTakeFirstOrThrow();
    if (bounds.lo === null || bounds.hi === null) return 0;
    let lo = Number(bounds.lo);
    let hi = Number(bounds.hi) + 1;
    // First id whose row (or the next existing row) is at or after the cutoff.
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = await this.db.selectFrom('check_results').select('time').where('id', '>=', mid).orderBy('id').limit(1).executeTakeFirst();
      if (row && Number(row.time) < cutoff) lo = mid + 1;
      else hi = mid;
    }
    lo = Math.min(lo, maxIdExclusive);
    let deleted = 0;
    for (;;) {
      // Bounded transactions, so retention never holds the write lock for long.
      const r = await this.db.deleteFrom('check_results').where('id', '<', lo).where('id', 'in', (eb) => eb.selectFrom('check_results').select('id').where('id', '<', lo).orderBy('id').limit(batch)).executeTakeFirst();
      const n = Number(r.numDeletedRows);
      deleted += n;
      if (n < batch) return deleted;
    }
  }
}
