import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Small named values that survive restarts (watermarks), with compare-and-set for multi-process safety. */
export class StateRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string, db: Db = this.db): Promise<string | null> {
    const r = await db.selectFrom('lnmt_state').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  /** Sets `key` to `value` only if it still holds `expected` (null = absent); false when another writer won. */
  async compareAndSet(db: Db, key: string, expected: string | null, value: string, now = Date.now()): Promise<boolean> {
    if (expected === null) {
      const r = await db.insertInto('lnmt_state').values({ key, value, updated_at: now }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    const r = await db.updateTable('lnmt_state').set({ value, updated_at: now }).where('key', '=', key).where('value', '=', expected).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
