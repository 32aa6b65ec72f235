import type { Kysely, Transaction } from 'kysely';
import type { AnyEvent } from '../../core/events.js';
import type { Database, EventsTable } from '../schema.js';

const CHUNK = 500;

export class EventRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts events; an id already stored is skipped, so redelivery never duplicates. */
  async insertMany(events: readonly AnyEvent[], db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    for (let i = 0; i < events.length; i += CHUNK) {
      const rows: EventsTable[] = events.slice(i, i + CHUNK).map((e) => ({
        id: e.id,
        type: e.type,
        time: Date.parse(e.time),
        sensor: e.sensor,
        src_ip: e.src?.ip ?? null,
        session: e.session ?? null,
        body: JSON.stringify(e),
      }));
      await db.insertInto('events').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
  }

  async recent(opts: { type?: string; limit: number; before?: number }): Promise<AnyEvent[]> {
    let q = this.db.selectFrom('events').select('body').orderBy('time', 'desc').orderBy('id', 'desc').limit(opts.limit);
    if (opts.type) q = q.where('type', '=', opts.type);
    if (opts.before) q = q.where('time', '<', opts.before);
    return (await q.execute()).map((r) => JSON.parse(r.body) as AnyEvent);
  }
}
