import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { ladderChunks, valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';
import type { CampaignRow } from '../tables/threat.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface CampaignWrite {
  id: string;
  kind: string;
  key: string;
  members: number;
  sources: string[];
  sensors: string[];
  first_seen: number;
  last_seen: number;
  score: number;
  reported_members: number;
  reported_sensors: number;
  updated_at: number;
}

// 12 columns a row.
const CHUNK = 200;
const TYPES = ['text', 'text', 'text', 'integer', 'text', 'text', 'bigint', 'bigint', 'float8', 'integer', 'integer', 'bigint'] as const;
const COLUMNS = 'id, kind, key, members, sources, sensors, first_seen, last_seen, score, reported_members, reported_sensors, updated_at';
const UPDATE = ['id', 'members', 'sources', 'sensors', 'first_seen', 'last_seen', 'score', 'reported_members', 'reported_sensors', 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ');

/** Campaigns: one row per shared key (kind + key), updated as members join. */
export class CampaignRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  /** Writes whole campaign rows, one statement per chunk; a new wave of a key takes over its row (and id). */
  async upsertMany(rows: readonly CampaignWrite[], db: Db = this.db): Promise<void> {
    for (const chunk of ladderChunks(rows, CHUNK)) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, chunk, TYPES, (r) => [r.id, r.kind, r.key, r.members, JSON.stringify(r.sources), JSON.stringify(r.sensors), r.first_seen, r.last_seen, r.score, r.reported_members, r.reported_sensors, r.updated_at], params);
      await db.executeQuery(CompiledQuery.raw(`INSERT INTO campaigns (${COLUMNS}) VALUES ${values} ON CONFLICT (kind, key) DO UPDATE SET ${UPDATE}`, params));
    }
  }

  async byKey(kind: string, key: string, db: Db = this.db): Promise<CampaignRow | undefined> {
    return db.selectFrom('campaigns').selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
  }

  async get(id: string): Promise<CampaignRow | undefined> {
    return this.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(q: { kind?: string | undefined; since?: number | undefined; sort: 'score' | 'last_seen' | 'members'; limit: number; offset: number }): Promise<{ rows: CampaignRow[]; total: number }> {
    let s = this.db.selectFrom('campaigns');
    if (q.kind) s = s.where('kind', '=', q.kind);
    if (q.since !== undefined) s = s.where('last_seen', '>=', q.since);
    const rows = await s.selectAll().orderBy(q.sort, 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    const { n } = await s.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows, total: Number(n) };
  }
}
