import { sql, type Kysely } from 'kysely';

/**
 * The ranked attacker lists read source profiles only (`kind = 'ip'`), yet every aggregate (network,
 * credential, hash, command sequence, timing bucket) kept its `rank` and `last_seen` in the two list indexes
 * too, and those change on every event: about half of each batch's profile writes were index moves nobody
 * reads. Both indexes become partial, on source profiles only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('threat_profiles_rank').execute();
  await db.schema.dropIndex('threat_profiles_last_seen').execute();
  await db.schema.createIndex('threat_profiles_ip_rank').on('threat_profiles').columns(['kind', 'rank']).where(sql.ref('kind'), '=', sql.lit('ip')).execute();
  await db.schema.createIndex('threat_profiles_ip_last_seen').on('threat_profiles').columns(['kind', 'last_seen']).where(sql.ref('kind'), '=', sql.lit('ip')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('threat_profiles_ip_rank').execute();
  await db.schema.dropIndex('threat_profiles_ip_last_seen').execute();
  await db.schema.createIndex('threat_profiles_rank').on('threat_profiles').columns(['kind', 'rank']).execute();
  await db.schema.createIndex('threat_profiles_last_seen').on('threat_profiles').columns(['kind', 'last_seen']).execute();
}
