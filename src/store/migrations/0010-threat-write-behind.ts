import type { Kysely } from 'kysely';

/**
 * Write-behind attacker profiles. A batch's transaction no longer rewrites every profile it touched: it appends
 * the batch's fresh events to `threat_log` (one row per batch) and writes only the profiles that have been
 * dirty for a while. Each profile row carries `seq`, the last batch whose effects it holds, and
 * `threat_log_state.replay_from` is the oldest batch some profile in the store still lacks: after a crash the
 * log is replayed from there, each profile taking only the batches after its own `seq`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threat_profiles').addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('threat_log')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('threat_log_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('replay_from', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('threat_log_state').values({ id: 1, last_seq: 0, replay_from: 1 }).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('threat_log_state').ifExists().execute();
  await db.schema.dropTable('threat_log').ifExists().execute();
  await db.schema.alterTable('threat_profiles').dropColumn('seq').execute();
}
