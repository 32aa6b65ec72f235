import { sql, type Kysely } from 'kysely';

/**
 * Initial schema. Written with Kysely's schema builder only, so the same migration runs on SQLite and
 * PostgreSQL; `idType` is the one thing that differs (auto-increment integer keys).
 */
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('devices')
    .addColumn('id', sql.raw(serial), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('ip_key', 'text', (c) => c.notNull())
    .addColumn('mac', 'text')
    .addColumn('vendor', 'text')
    .addColumn('mac_private', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hostname', 'text')
    .addColumn('name', 'text')
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('rtt_ms', 'real')
    .addColumn('method', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('scan'))
    .addColumn('first_seen', ms)
    .addColumn('last_seen', ms)
    .addColumn('last_checked', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // Every filter and sort the API offers has an index; list pages are index range scans.
  await db.schema.createIndex('devices_ip_key_uq').on('devices').column('ip_key').unique().execute();
  await db.schema.createIndex('devices_status_ip_key').on('devices').columns(['status', 'ip_key']).execute();
  await db.schema.createIndex('devices_vendor').on('devices').columns(['vendor', 'ip_key']).execute();
  await db.schema.createIndex('devices_mac').on('devices').column('mac').execute();
  await db.schema.createIndex('devices_last_seen').on('devices').column('last_seen').execute();
  await db.schema.createIndex('devices_first_seen').on('devices').column('first_seen').execute();
  await db.schema.createIndex('devices_hostname').on('devices').column('hostname').execute();

  await db.schema
    .createTable('device_status_history')
    .addColumn('id', sql.raw(serial), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('device_id', 'bigint', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rtt_ms', 'real')
    .addColumn('method', 'text')
    .addColumn('scan_id', 'text')
    .execute();
  await db.schema.createIndex('history_device_time').on('device_status_history').columns(['device_id', 'time']).execute();
  // No index on time alone: ids grow with time, so retention deletes by id range (one index less per row).

  await db.schema
    .createTable('scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('runner', 'text')
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('started_at', ms)
    .addColumn('finished_at', ms)
    .execute();
  await db.schema.createIndex('scans_created_at').on('scans').column('created_at').execute();
  await db.schema.createIndex('scans_status').on('scans').column('status').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_used_at', ms)
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('api_tokens_hash_uq').on('api_tokens').column('token_hash').unique().execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('src_ip', 'text')
    .addColumn('session', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_type_time').on('events').columns(['type', 'time']).execute();
  await db.schema.createIndex('events_time').on('events').column('time').execute();
  await db.schema.createIndex('events_src_ip_time').on('events').columns(['src_ip', 'time']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['events', 'api_tokens', 'scans', 'device_status_history', 'devices']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
