import { sql, type Kysely, type Transaction } from 'kysely';
import type { AnyEvent } from '../../core/events.js';
import type { Database } from '../schema.js';
import type { HoneypotSessionRow } from '../tables/honeynet.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SessionListQuery {
  service?: string | undefined;
  srcIp?: string | undefined;
  loggedIn?: boolean | undefined;
  limit: number;
  offset: number;
}

/** Honeypot sessions: folded from their events as they arrive, listed newest first. */
export class HoneypotSessionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Applies a batch of honeypot events: a connect creates the row (idempotent: redelivery is harmless), auth,
   * command and upload events count into it, a close ends it. Events of an unknown session (its connect was lost)
   * still create the row from what they carry.
   */
  async apply(events: readonly AnyEvent[], db: Db = this.db): Promise<void> {
    for (const ev of events) {
      if (!ev.type.startsWith('honeypot.') || !ev.session) continue;
      const d = ev.data as unknown as { service: string; src_ip: string; src_port: number; dst_ip: string; dst_port: number };
      const time = Date.parse(ev.time);
      await db
        .insertInto('honeypot_sessions')
        .values({ id: ev.session, sensor: ev.sensor, service: d.service, src_ip: d.src_ip, src_port: d.src_port, dst_ip: d.dst_ip, dst_port: d.dst_port, started_at: time, ended_at: null, duration_ms: null, username: null, password: null, logged_in: 0, auth_attempts: 0, commands: 0, uploads: 0, bytes_in: null, bytes_out: null, close_reason: null })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const q = db.updateTable('honeypot_sessions').where('id', '=', ev.session);
      switch (ev.type) {
        case 'honeypot.auth':
          await q
            .set((eb) => ({
              auth_attempts: eb('auth_attempts', '+', 1),
              username: ev.data.username,
              password: ev.data.password ?? null,
              logged_in: ev.data.success ? 1 : eb.ref('logged_in'),
            }))
            .execute();
          break;
        case 'honeypot.command':
          await q.set((eb) => ({ commands: eb('commands', '+', 1) })).execute();
          break;
        case 'honeypot.upload':
          await q.set((eb) => ({ uploads: eb('uploads', '+', 1) })).execute();
          break;
        case 'honeypot.close':
          await q.set({ ended_at: time, duration_ms: ev.data.duration_ms, bytes_in: ev.data.bytes_in, bytes_out: ev.data.bytes_out, close_reason: ev.data.reason }).execute();
          break;
        default:
          break;
      }
    }
  }

  async list(f: SessionListQuery): Promise<{ rows: HoneypotSessionRow[]; total: number }> {
    let q = this.db.selectFrom('honeypot_sessions');
    if (f.service) q = q.where('service', '=', f.service);
    if (f.srcIp) q = q.where('src_ip', '=', f.srcIp);
    if (f.loggedIn !== undefined) q = q.where('logged_in', '=', f.loggedIn ? 1 : 0);
    const rows = await q.selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
    const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(n) };
  }

  async get(id: string): Promise<HoneypotSessionRow | undefined> {
    return this.db.selectFrom('honeypot_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A session's events in order (from the events table, by the session index). */
  async events(id: string, limit = 10_000): Promise<AnyEvent[]> {
    const rows = await this.db.selectFrom('events').select('body').where('session', '=', id).orderBy('time').orderBy('id').limit(limit).execute();
    return rows.map((r) => JSON.parse(r.body) as AnyEvent);
  }

  /** Sessions whose id starts with `prefix` (the CLI accepts the first characters of an id). */
  async findByPrefix(prefix: string): Promise<HoneypotSessionRow[]> {
    return this.db.selectFrom('honeypot_sessions').selectAll().where(sql<boolean>`substr(id, 1, ${prefix.length}) = ${prefix}`).limit(2).execute();
  }
}
