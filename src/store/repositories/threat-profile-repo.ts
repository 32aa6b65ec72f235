import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { ladderChunks, valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';
import type { ThreatProfileRow } from '../tables/threat.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A profile as written: `rank` is computed by the caller (it depends on the configured half-life). */
export interface ProfileWrite {
  kind: string;
  key: string;
  first_seen: number;
  last_seen: number;
  score: number;
  score_at: number;
  rank: number;
  events: number;
  device_id: number | null;
  body: string;
  /** The last pipeline batch whose effects the row holds (see migration 0010). */
  seq: number;
}

export const ATTACKER_SORTS = ['score', 'last_seen', 'first_seen', 'events'] as const;
export type AttackerSort = (typeof ATTACKER_SORTS)[number];

export interface ProfileListQuery {
  /** Only source profiles are listed (the list indexes cover them alone). */
  kind: 'ip';
  sort: AttackerSort;
  limit: number;
  offset: number;
  /** Only ranks at or above (a `min_score` turned into a rank floor by the caller). */
  minRank?: number | undefined;
  /** last_seen at or after (epoch ms). */
  since?: number | undefined;
  /** Only sources that are devices of our inventory. */
  internal?: boolean | undefined;
  /** Key prefix (an IP or the start of one). */
  prefix?: string | undefined;
}

// 11 columns a row: 500 rows stay far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const CHUNK = 500;
const TYPES = ['text', 'text', 'bigint', 'bigint', 'float8', 'bigint', 'float8', 'integer', 'integer', 'text', 'bigint'] as const;

/** Attacker profiles and aggregates (`threat_profiles`): batched upserts, batched loads, ranked lists. */
export class ThreatProfileRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  /** Writes whole profiles (the pipeline's in-memory copy is authoritative), one statement per chunk. */
  async upsertMany(rows: readonly ProfileWrite[], db: Db = this.db): Promise<void> {
    for (const chunk of ladderChunks(rows, CHUNK)) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, chunk, TYPES, (r) => [r.kind, r.key, r.first_seen, r.last_seen, r.score, r.score_at, r.rank, r.events, r.device_id, r.body, r.seq], params);
      const text =
        `INSERT INTO threat_profiles (kind, key, first_seen, last_seen, score, score_at, rank, events, device_id, body, seq) VALUES ${values} ` +
        'ON CONFLICT (kind, key) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, score = excluded.score, ' +
        'score_at = excluded.score_at, rank = excluded.rank, events = excluded.events, device_id = excluded.device_id, body = excluded.body, seq = excluded.seq';
      await db.executeQuery(CompiledQuery.raw(text, params));
    }
  }

  /** The stored profiles among `keys` of one kind (missing ones are simply absent). */
  async loadMany(kind: string, keys: readonly string[], db: Db = this.db): Promise<ThreatProfileRow[]> {
    const out: ThreatProfileRow[] = [];
    for (const chunk of ladderChunks(keys, CHUNK)) {
      out.push(...(await db.selectFrom('threat_profiles').selectAll().where('kind', '=', kind).where('key', 'in', chunk).execute()));
    }
    return out;
  }

  async get(kind: string, key: string): Promise<ThreatProfileRow | undefined> {
    return this.db.selectFrom('threat_profiles').selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
  }

  /**
   * One page, plus whether more follow. No total count: counting a million rows on every page is what made
   * other dashboards slow; `count()` exists for the places that need it.
   */
  async list(q: ProfileListQuery): Promise<{ rows: ThreatProfileRow[]; more: boolean }> {
    // The kind as a literal: the list indexes are partial (`WHERE kind = 'ip'`), and a planner can only prove a
    // partial index applies from a constant, not from a bound parameter.
    let s = this.db.selectFrom('threat_profiles').selectAll().where('kind', '=', sql.lit(q.kind));
    if (q.minRank !== undefined && Number.isFinite(q.minRank)) s = s.where('rank', '>=', q.minRank);
    if (q.since !== undefined) s = s.where('last_seen', '>=', q.since);
    if (q.internal) s = s.where('device_id', 'is not', null);
    if (q.prefix) s = s.where('key', '>=', q.prefix).where('key', '<', `${q.prefix}\uffff`);
    const col = q.sort === 'score' ? 'rank' : q.sort;
    const rows = await s.orderBy(col, 'desc').orderBy('key', 'asc').limit(q.limit + 1).offset(q.offset).execute();
    const more = rows.length > q.limit;
    return { rows: more ? rows.slice(0, q.limit) : rows, more };
  }

  async count(kind: string): Promise<number> {
    const r = await this.db.selectFrom('threat_profiles').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
