import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { DecisionRow, DecisionsTable } from '../tables/decisions.js';

export type DecisionInsert = Insertable<DecisionsTable>;

export interface DecisionListQuery {
  /** Only decisions in force at `now` (not removed, not expired). */
  activeAt?: number | undefined;
  action?: DecisionsTable['action'] | undefined;
  target?: string | undefined;
  limit: number;
  offset: number;
}

/** 14 columns per row; SQLite allows 32,766 bound parameters per statement. */
const CHUNK = 1000;

/** Decisions: the rows themselves (the change log is `DecisionChangeRepo`). Pass a transaction as `db` to group writes. */
export class DecisionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(rows: readonly DecisionInsert[], db: Kysely<Database> = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('decisions').values(rows.slice(i, i + CHUNK)).execute();
  }

  get(id: string, db: Kysely<Database> = this.db): Promise<DecisionRow | undefined> {
    return db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Decisions on exactly this target in force at `now`, newest first. */
  activeOn(target: string, now: number, db: Kysely<Database> = this.db): Promise<DecisionRow[]> {
    return db
      .selectFrom('decisions')
      .selectAll()
      .where('target', '=', target)
      .where('removed_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .execute();
  }

  /**
   * Ended bans of `target` created at or after `since`: the repeat-offender count. A ban in force is not an
   * earlier offence (repeat detections during a ban must not keep doubling it), nor is one replaced by a longer one.
   */
  async countBans(target: string, since: number, db: Kysely<Database> = this.db): Promise<number> {
    const r = await db
      .selectFrom('decisions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('target', '=', target)
      .where('action', '=', 'ban')
      .where('created_at', '>=', since)
      .where('removed_at', 'is not', null)
      .where('removed_reason', '!=', 'replaced')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async page(q: DecisionListQuery): Promise<{ items: DecisionRow[]; total: number }> {
    let base = this.db.selectFrom('decisions');
    if (q.activeAt !== undefined) {
      const now = q.activeAt;
      base = base.where('removed_at', 'is', null).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    }
    if (q.action !== undefined) base = base.where('action', '=', q.action);
    if (q.target !== undefined) base = base.where('target', '=', q.target);
    const [items, count] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }

  /** Every decision in force at `now` with this action, oldest first (the blocklist). */
  active(action: DecisionsTable['action'], now: number, db: Kysely<Database> = this.db): Promise<DecisionRow[]> {
    return db
      .selectFrom('decisions')
      .selectAll()
      .where('removed_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where('action', '=', action)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** How many bans are in force at `now` (part of the blocklist ETag). */
  async countActive(action: DecisionsTable['action'], now: number): Promise<number> {
    const r = await this.db
      .selectFrom('decisions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('removed_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Not yet removed, expired at `now`: what the sweep removes (bounded per call). */
  expired(now: number, limit: number, db: Kysely<Database> = this.db): Promise<DecisionRow[]> {
    return db.selectFrom('decisions').selectAll().where('removed_at', 'is', null).where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute();
  }

  /**
   * Marks decisions removed, only those not removed yet (two processes sweeping at once remove each once);
   * returns the ids this call removed.
   */
  async markRemoved(ids: readonly string[], reason: NonNullable<DecisionsTable['removed_reason']>, now: number, db: Kysely<Database> = this.db): Promise<string[]> {
    const done: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await db
        .updateTable('decisions')
        .set({ removed_at: now, removed_reason: reason })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('removed_at', 'is', null)
        .returning('id')
        .execute();
      done.push(...rows.map((r) => r.id));
    }
    return done;
  }
}
