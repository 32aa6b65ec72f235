import { sql, type Kysely } from 'kysely';

/** Notifications: channels and the delivery log. */
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('notify_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notify_channels_name_uq').on('notify_channels').column('name').unique().execute();

  await db.schema
    .createTable('notify_deliveries')
    .addColumn('id', sql.raw(serial), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('channel_type', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('alert_key', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('detail', 'text')
    .addColumn('latency_ms', 'real')
    .execute();
  // The log is read newest first (by id, which grows with time), filtered by channel or status; retention
  // deletes by time.
  await db.schema.createIndex('notify_deliveries_channel').on('notify_deliveries').columns(['channel_id', 'id']).execute();
  await db.schema.createIndex('notify_deliveries_status').on('notify_deliveries').columns(['status', 'id']).execute();
  await db.schema.createIndex('notify_deliveries_time').on('notify_deliveries').column('time').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['notify_deliveries', 'notify_channels']) await db.schema.dropTable(t).ifExists().execute();
}
