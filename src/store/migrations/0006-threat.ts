import { sql, type Kysely } from 'kysely';

/** Attacker profiles, applied-event ids, detections (with outbox flag) and campaigns (issue 6: threat detection). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current Database type
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const ms = 'bigint';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema
    .createTable('threat_profiles')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('first_seen', ms, (c) => c.notNull())
    .addColumn('last_seen', ms, (c) => c.notNull())
    .addColumn('score', real, (c) => c.notNull())
    .addColumn('score_at', ms, (c) => c.notNull())
    .addColumn('rank', real, (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'integer')
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('threat_profiles_pk', ['kind', 'key'])
    .execute();
  await db.schema.createIndex('threat_profiles_rank').on('threat_profiles').columns(['kind', 'rank']).execute();
  await db.schema.createIndex('threat_profiles_last_seen').on('threat_profiles').columns(['kind', 'last_seen']).execute();

  // One short key per applied event; WITHOUT ROWID keeps SQLite to one b-tree for it.
  let applied = db.schema.createTable('threat_applied').addColumn('id', 'text', (c) => c.primaryKey());
  if (dialect === 'sqlite') applied = applied.modifyEnd(sql`without rowid`);
  await applied.execute();

  await db.schema
    .createTable('threat_detections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('rule_type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('src_ip', 'text', (c) => c.notNull())
    .addColumn('score', real, (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('threat_detections_src').on('threat_detections').columns(['src_ip', 'time']).execute();
  await db.schema.createIndex('threat_detections_time').on('threat_detections').column('time').execute();
  await db.schema.createIndex('threat_detections_unpublished').on('threat_detections').columns(['published', 'time']).execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('members', 'integer', (c) => c.notNull())
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('sensors', 'text', (c) => c.notNull())
    .addColumn('first_seen', ms, (c) => c.notNull())
    .addColumn('last_seen', ms, (c) => c.notNull())
    .addColumn('score', real, (c) => c.notNull())
    .addColumn('reported_members', 'integer', (c) => c.notNull())
    .addColumn('reported_sensors', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaigns_kind_key').on('campaigns').columns(['kind', 'key']).unique().execute();
  await db.schema.createIndex('campaigns_last_seen').on('campaigns').column('last_seen').execute();
  await db.schema.createIndex('campaigns_score').on('campaigns').column('score').execute();
  // The attacker timeline (`GET /api/attackers/:ip`) uses events_src_ip_time from 0001-initial.
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['campaigns', 'threat_detections', 'threat_applied', 'threat_profiles']) await db.schema.dropTable(t).ifExists().execute();
}
