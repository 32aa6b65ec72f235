import type { Kysely, Transaction } from 'kysely';
import type { AnyEvent } from '../../core/events.js';
import { ladderChunks } from '../bulk-values.js';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Events committed with a batch and not yet accepted by the bus (`threat_outbox`). */
export class ThreatOutboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(events: readonly AnyEvent[], db: Db = this.db): Promise<void> {
    for (const chunk of ladderChunks(events, 500)) {
      await db
        .insertInto('threat_outbox')
        .values(chunk.map((e) => ({ id: e.id, time: Date.parse(e.time), body: JSON.stringify(e) })))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }

  /** The oldest pending events. */
  async pending(limit: number): Promise<AnyEvent[]> {
    const rows = await this.db.selectFrom('threat_outbox').select('body').orderBy('time').orderBy('id').limit(limit).execute();
    return rows.map((r) => JSON.parse(r.body) as AnyEvent);
  }

  /** Forgets events the bus accepted. */
  async remove(ids: readonly string[]): Promise<void> {
    for (const chunk of ladderChunks(ids, 500)) await this.db.deleteFrom('threat_outbox').where('id', 'in', chunk).execute();
  }
}
