import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { AnyEvent } from '../../core/events.js';
import { ladderChunks, valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';

// 7 columns a row: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const CHUNK = 1000;
const TYPES = ['text', 'text', 'bigint', 'text', 'text', 'text', 'text'] as const;

export class EventRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  /**
   * Inserts events; an id already stored is skipped, so redelivery never duplicates. `bodyOf` gives an event's
   * JSON when the caller has it already.
   */
  async insertMany(events: readonly AnyEvent[], db: Kysely<Database> | Transaction<Database> = this.db, bodyOf: (e: AnyEvent) => string = (e) => JSON.stringify(e)): Promise<void> {
    for (const chunk of ladderChunks(events, CHUNK)) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, chunk, TYPES, (e) => [e.id, e.type, Date.parse(e.time), e.sensor, e.src?.ip ?? null, e.session ?? null, bodyOf(e)], params);
      await db.executeQuery(CompiledQuery.raw(`INSERT INTO events (id, type, time, sensor, src_ip, session, body) VALUES ${values} ON CONFLICT (id) DO NOTHING`, params));
    }
  }

  async recent(opts: { type?: string; limit: number; before?: number }): Promise<AnyEvent[]> {
    let q = this.db.selectFrom('events').select('body').orderBy('time', 'desc').orderBy('id', 'desc').limit(opts.limit);
    if (opts.type) q = q.where('type', '=', opts.type);
    if (opts.before) q = q.where('time', '<', opts.before);
    return (await q.execute()).map((r) => JSON.parse(r.body) as AnyEvent);
  }
}
