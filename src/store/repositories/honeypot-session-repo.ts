import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { AnyEvent } from '../../core/events.js';
import { ladderChunks, valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';
import type { HoneypotSessionRow } from '../tables/honeynet.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SessionListQuery {
  service?: string | undefined;
  srcIp?: string | undefined;
  loggedIn?: boolean | undefined;
  limit: number;
  offset: number;
}

/** 19 columns a row: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const UPSERT_CHUNK = 1000;
const COLUMNS = ['id', 'sensor', 'service', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'started_at', 'ended_at', 'duration_ms', 'username', 'password', 'logged_in', 'auth_attempts', 'commands', 'uploads', 'bytes_in', 'bytes_out', 'close_reason'] as const;
const COLUMN_TYPES = ['text', 'text', 'text', 'text', 'integer', 'text', 'integer', 'bigint', 'bigint', 'bigint', 'text', 'text', 'integer', 'integer', 'integer', 'integer', 'bigint', 'bigint', 'text'] as const;
const T = 'honeypot_sessions';
const ON_CONFLICT = [
  ...['auth_attempts', 'commands', 'uploads'].map((c) => `${c} = ${T}.${c} + excluded.${c}`),
  `logged_in = CASE WHEN excluded.logged_in = 1 THEN 1 ELSE ${T}.logged_in END`,
  ...['username', 'password'].map((c) => `${c} = CASE WHEN excluded.auth_attempts > 0 THEN excluded.${c} ELSE ${T}.${c} END`),
  ...['ended_at', 'duration_ms', 'bytes_in', 'bytes_out', 'close_reason'].map((c) => `${c} = CASE WHEN excluded.ended_at IS NOT NULL THEN excluded.${c} ELSE ${T}.${c} END`),
].join(', ');

/** How far a session's events may be stamped outside its recorded span (see `events`). */
const SESSION_CLOCK_SLACK_MS = 60_000;

/** What one batch does to one session. */
interface SessionDelta {
  /** Where and when the session began, as its first event in the batch tells (a new row takes these). */
  first: Pick<HoneypotSessionRow, 'id' | 'sensor' | 'service' | 'src_ip' | 'src_port' | 'dst_ip' | 'dst_port' | 'started_at'>;
  auths: number;
  /** The last attempt's credentials. */
  login: { username: string; password: string | null } | null;
  success: boolean;
  commands: number;
  uploads: number;
  close: Pick<HoneypotSessionRow, 'ended_at' | 'duration_ms' | 'bytes_in' | 'bytes_out' | 'close_reason'> | null;
}

/** Honeypot sessions: folded from their events as they arrive, listed newest first. */
export class HoneypotSessionRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  /**
   * Applies a batch of honeypot events: a connect creates the row (idempotent: redelivery is harmless), auth,
   * command and upload events count into it, a close ends it. Events of an unknown session (its connect was lost)
   * still create the row from what they carry. The batch is folded per session first, then written in one
   * multi-row upsert (per 1,000 sessions), instead of two statements per event.
   */
  async apply(events: readonly AnyEvent[], db: Db = this.db): Promise<void> {
    const folded = new Map<string, SessionDelta>();
    for (const ev of events) {
      if (!ev.type.startsWith('honeypot.') || !ev.session) continue;
      let f = folded.get(ev.session);
      if (!f) {
        const d = ev.data as unknown as { service: string; src_ip: string; src_port: number; dst_ip: string; dst_port: number };
        const first = { id: ev.session, sensor: ev.sensor, service: d.service, src_ip: d.src_ip, src_port: d.src_port, dst_ip: d.dst_ip, dst_port: d.dst_port, started_at: Date.parse(ev.time) };
        folded.set(ev.session, (f = { first, auths: 0, login: null, success: false, commands: 0, uploads: 0, close: null }));
      }
      switch (ev.type) {
        case 'honeypot.auth':
          f.auths++;
          f.login = { username: ev.data.username, password: ev.data.password ?? null };
          if (ev.data.success) f.success = true;
          break;
        case 'honeypot.command':
          f.commands++;
          break;
        case 'honeypot.upload':
          f.uploads++;
          break;
        case 'honeypot.close':
          f.close = { ended_at: Date.parse(ev.time), duration_ms: ev.data.duration_ms, bytes_in: ev.data.bytes_in, bytes_out: ev.data.bytes_out, close_reason: ev.data.reason };
          break;
        default:
          break;
      }
    }
    // One upsert per chunk: a new session's row carries the batch's counts; a known one adds them, takes the
    // last attempt's credentials and the close, and keeps a success.
    for (const chunk of ladderChunks([...folded.values()], UPSERT_CHUNK)) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, chunk, COLUMN_TYPES, (f) => {
        const r = f.first;
        const c = f.close;
        return [r.id, r.sensor, r.service, r.src_ip, r.src_port, r.dst_ip, r.dst_port, r.started_at, c?.ended_at ?? null, c?.duration_ms ?? null, f.login?.username ?? null, f.login?.password ?? null, f.success ? 1 : 0, f.auths, f.commands, f.uploads, c?.bytes_in ?? null, c?.bytes_out ?? null, c?.close_reason ?? null];
      }, params);
      await db.executeQuery(CompiledQuery.raw(`INSERT INTO honeypot_sessions (${COLUMNS.join(', ')}) VALUES ${values} ON CONFLICT (id) DO UPDATE SET ${ON_CONFLICT}`, params));
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

  /**
   * A session's events in order: its source's events over the session's time span (the `events (src_ip, time)`
   * index), keeping the session's own. The span is widened by SESSION_CLOCK_SLACK_MS on both sides: a session's
   * events are stamped by the process serving it, its start by the one accepting it (the same host's clock).
   */
  async events(s: Pick<HoneypotSessionRow, 'id' | 'src_ip' | 'started_at' | 'ended_at'>, limit = 10_000): Promise<AnyEvent[]> {
    let q = this.db
      .selectFrom('events')
      .select('body')
      .where('src_ip', '=', s.src_ip)
      .where('time', '>=', Number(s.started_at) - SESSION_CLOCK_SLACK_MS);
    if (s.ended_at !== null) q = q.where('time', '<=', Number(s.ended_at) + SESSION_CLOCK_SLACK_MS);
    const rows = await q.where('session', '=', s.id).orderBy('time').orderBy('id').limit(limit).execute();
    return rows.map((r) => JSON.parse(r.body) as AnyEvent);
  }

  /** Sessions whose id starts with `prefix` (the CLI accepts the first characters of an id). */
  async findByPrefix(prefix: string): Promise<HoneypotSessionRow[]> {
    return this.db.selectFrom('honeypot_sessions').selectAll().where(sql<boolean>`substr(id, 1, ${prefix.length}) = ${prefix}`).limit(2).execute();
  }
}
