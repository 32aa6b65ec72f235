import type { Kysely, Transaction } from 'kysely';
import type { AnyEvent } from '../../core/events.js';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A committed pipeline batch as kept in the log. */
export interface LogEntry {
  seq: number;
  time: number;
  events: AnyEvent[];
}

/** Where the log stands: the last committed batch and the oldest one some stored profile still lacks. */
export interface LogState {
  lastSeq: number;
  replayFrom: number;
}

/**
 * The threat pipeline's batch log (`threat_log`, `threat_log_state`, migration 0010): one row per committed
 * batch with its fresh events, written in the batch's transaction, so the profile rows may lag behind and be
 * rebuilt from it after a crash.
 */
export class ThreatLogRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Appends a batch; `bodies` are its events as JSON (each `JSON.stringify(event)`). */
  async append(seq: number, time: number, bodies: readonly string[], db: Db = this.db): Promise<void> {
    await db.insertInto('threat_log').values({ seq, time, count: bodies.length, events: `[${bodies.join(',')}]` }).execute();
  }

  async setState(s: LogState, db: Db = this.db): Promise<void> {
    await db.updateTable('threat_log_state').set({ last_seq: s.lastSeq, replay_from: s.replayFrom }).where('id', '=', 1).execute();
  }

  async state(db: Db = this.db): Promise<LogState> {
    const r = await db.selectFrom('threat_log_state').select(['last_seq', 'replay_from']).where('id', '=', 1).executeTakeFirst();
    return r ? { lastSeq: Number(r.last_seq), replayFrom: Number(r.replay_from) } : { lastSeq: 0, replayFrom: 1 };
  }

  /** Sequence, time and size of every kept batch from `fromSeq` on, oldest first (no event bodies). */
  async index(fromSeq = 0): Promise<Array<{ seq: number; time: number; count: number }>> {
    const rows = await this.db.selectFrom('threat_log').select(['seq', 'time', 'count']).where('seq', '>=', fromSeq).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), time: Number(r.time), count: Number(r.count) }));
  }

  /** Batches from `fromSeq` on, oldest first, a page of at most `pageRows` rows at a time. */
  async *read(fromSeq: number, pageRows = 64): AsyncGenerator<LogEntry> {
    let next = fromSeq;
    for (;;) {
      const rows = await this.db.selectFrom('threat_log').select(['seq', 'time', 'events']).where('seq', '>=', next).orderBy('seq').limit(pageRows).execute();
      for (const r of rows) yield { seq: Number(r.seq), time: Number(r.time), events: JSON.parse(r.events) as AnyEvent[] };
      if (rows.length < pageRows) return;
      next = Number(rows[rows.length - 1]!.seq) + 1;
    }
  }

  /** Drops the batches before `seq`. */
  async pruneBefore(seq: number): Promise<void> {
    await this.db.deleteFrom('threat_log').where('seq', '<', seq).execute();
  }
}
