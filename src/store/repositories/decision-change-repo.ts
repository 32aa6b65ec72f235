import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { DecisionChangeRow, DecisionChangesTable } from '../tables/decisions.js';

export type DecisionChangeInsert = Insertable<DecisionChangesTable>;

const CHUNK = 2000;

/** The blocklist change log: appended with each decision write (same transaction), read by cursor. */
export class DecisionChangeRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(rows: readonly DecisionChangeInsert[], db: Kysely<Database> = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('decision_changes').values(rows.slice(i, i + CHUNK)).execute();
  }

  /** Changes after cursor `seq`, oldest first. */
  since(seq: number, limit: number): Promise<DecisionChangeRow[]> {
    return this.db.selectFrom('decision_changes').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  }

  /** The newest cursor (0 when the log is empty) and the oldest kept (null when empty). */
  async bounds(): Promise<{ last: number; first: number | null }> {
    const r = await this.db
      .selectFrom('decision_changes')
      .select((eb) => [eb.fn.max<number | string | null>('seq').as('last'), eb.fn.min<number | string | null>('seq').as('first')])
      .executeTakeFirstOrThrow();
    return { last: r.last === null ? 0 : Number(r.last), first: r.first === null ? null : Number(r.first) };
  }

  /** Drops entries older than `before` (epoch ms), always keeping the newest so the cursor never goes back. */
  async prune(before: number): Promise<number> {
    const { last } = await this.bounds();
    const r = await this.db.deleteFrom('decision_changes').where('time', '<', before).where('seq', '<', last).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
