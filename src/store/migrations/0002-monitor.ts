import { sql, type Kysely } from 'kysely';

/** Health checks, their raw results, minute/hour/day rollups, and a small key/value table for watermarks. */
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('device_id', 'bigint', (c) => c.references('devices.id').onDelete('cascade'))
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('interval_ms', 'integer', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull())
    .addColumn('flap_threshold', 'integer', (c) => c.notNull())
    .addColumn('flap_window_ms', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('state_since', ms)
    .addColumn('streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flapping', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_run_at', ms)
    .addColumn('last_ok', 'integer')
    .addColumn('last_latency_ms', 'real')
    .addColumn('last_message', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checks_name_uq').on('checks').column('name').unique().execute();
  await db.schema.createIndex('checks_device').on('checks').column('device_id').execute();

  await db.schema
    .createTable('check_results')
    .addColumn('id', sql.raw(serial), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'real')
    .addColumn('message', 'text')
    .execute();
  // Ids grow with ingest time: retention deletes by id range and the rollup reads ids above its watermark.
  await db.schema.createIndex('check_results_check_time').on('check_results').columns(['check_id', 'time']).execute();

  // Clustered on (step, bucket, check_id) (WITHOUT ROWID on SQLite): a window over all checks is one range scan.
  let rollups = db.schema
    .createTable('check_rollups')
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('bucket', ms, (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('up', 'integer', (c) => c.notNull())
    .addColumn('down', 'integer', (c) => c.notNull())
    .addColumn('lat_count', 'integer', (c) => c.notNull())
    .addColumn('lat_sum', 'real', (c) => c.notNull())
    .addColumn('lat_min', 'real')
    .addColumn('lat_max', 'real')
    .addColumn('lat_p95', 'real')
    .addColumn('lat_hist', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('check_rollups_pk', ['step', 'bucket', 'check_id']);
  if (dialect === 'sqlite') rollups = rollups.modifyEnd(sql`without rowid`);
  await rollups.execute();
  // Per check, covering the counts: per-check sums over a range stream from it in check order (no sort).
  await db.schema.createIndex('check_rollups_check').on('check_rollups').columns(['check_id', 'step', 'bucket', 'up', 'down']).execute();

  await db.schema
    .createTable('lnmt_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['lnmt_state', 'check_rollups', 'check_results', 'checks']) await db.schema.dropTable(t).ifExists().execute();
}
