import { sql, type Kysely } from 'kysely';

/** Decisions (bans and tags with expiry) and their change log for incremental blocklists (issue 6: response). */
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const ms = 'bigint';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';

  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('family', 'integer', (c) => c.notNull())
    .addColumn('lo', 'text', (c) => c.notNull())
    .addColumn('hi', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('escalation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('removed_at', ms)
    .addColumn('removed_reason', 'text')
    .execute();
  // The sweep and the blocklist read active rows by expiry; escalation counts a target's recent decisions.
  await db.schema.createIndex('decisions_active').on('decisions').columns(['removed_at', 'expires_at']).execute();
  await db.schema.createIndex('decisions_target').on('decisions').columns(['target', 'created_at']).execute();

  // Append-only: one row per addition or removal; `seq` is the `?since=` cursor of the blocklist.
  await db.schema
    .createTable('decision_changes')
    .addColumn('seq', sql.raw(serial), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('decision_id', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('decision_changes_time').on('decision_changes').column('time').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['decision_changes', 'decisions']) await db.schema.dropTable(t).ifExists().execute();
}
