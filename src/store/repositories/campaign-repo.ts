import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
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

/** Campaigns: one row per shared key (kind + key), updated as members join. */
export class CampaignRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertMany(rows: readonly CampaignWrite[], db: Db = this.db): Promise<void> {
    for (const r of rows) {
      const row = { ...r, sources: JSON.stringify(r.sources), sensors: JSON.stringify(r.sensors) };
      await db
        .insertInto('campaigns')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['kind', 'key']).doUpdateSet({ members: row.members, sources: row.sources, sensors: row.sensors, first_seen: row.first_seen, last_seen: row.last_seen, score: row.score, reported_members: row.reported_members, reported_sensors: row.reported_sensors, updated_at: row.updated_at }),
        )
        .execute();
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
