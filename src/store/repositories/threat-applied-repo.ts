import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const CHUNK = 500;

/**
 * The ids of events whose effects are in the profiles. Written in the same transaction as the profiles, so
 * after a crash a redelivered event is recognised and applied nothing twice.
 */
export class ThreatAppliedRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Which of `ids` were applied already. */
  async applied(ids: readonly string[], db: Db = this.db): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await db.selectFrom('threat_applied').select('id').where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  async insertMany(ids: readonly string[], db: Db = this.db): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db.insertInto('threat_applied').values(ids.slice(i, i + CHUNK).map((id) => ({ id }))).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
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
