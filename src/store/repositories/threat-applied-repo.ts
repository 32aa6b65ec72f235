import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { ladderChunks, valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';

type Db = Kysely<Database> | Transaction<Database>;

const CHUNK = 2000;
const TYPES = ['text'] as const;

/**
 * The ids of events whose effects are in the profiles. Written in the same transaction as the profiles, so
 * after a crash a redelivered event is recognised and applied nothing twice.
 */
export class ThreatAppliedRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  /**
   * Records `ids` as applied and returns those that were not already: one statement does the check and the
   * write (`ON CONFLICT DO NOTHING RETURNING` yields only the rows it inserted). Called inside the batch's
   * transaction, so a rollback forgets the claim together with the effects.
   */
  async claim(ids: readonly string[], db: Db = this.db): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (const chunk of ladderChunks(ids, CHUNK)) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, chunk, TYPES, (id) => [id], params);
      const r = await db.executeQuery<{ id: string }>(CompiledQuery.raw(`INSERT INTO threat_applied (id) VALUES ${values} ON CONFLICT (id) DO NOTHING RETURNING id`, params));
      for (const row of r.rows) fresh.add(row.id);
    }
    return fresh;
  }

  /** Forgets ids sorting before `id` (UUIDv7 ids sort by time: pass the id of the retention cut-off). */
  async pruneBefore(id: string): Promise<number> {
    const r = await this.db.deleteFrom('threat_applied').where('id', '<', id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('threat_applied').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
