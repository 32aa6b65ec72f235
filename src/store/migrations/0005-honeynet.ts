import type { Kysely } from 'kysely';

/** Honeypot sessions (one row per session), and an index to fetch a session's events. */
export async function up(db: Kysely<any>, _dialect: 'sqlite' | 'postgres'): Promise<void> {
  const ms = 'bigint';
  await db.schema
    .createTable('honeypot_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('src_ip', 'text', (c) => c.notNull())
    .addColumn('src_port', 'integer', (c) => c.notNull())
    .addColumn('dst_ip', 'text', (c) => c.notNull())
    .addColumn('dst_port', 'integer', (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('ended_at', ms)
    .addColumn('duration_ms', ms)
    .addColumn('username', 'text')
    .addColumn('password', 'text')
    .addColumn('logged_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auth_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('commands', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('uploads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_in', ms)
    .addColumn('bytes_out', ms)
    .addColumn('close_reason', 'text')
    .execute();
  await db.schema.createIndex('honeypot_sessions_started').on('honeypot_sessions').column('started_at').execute();
  await db.schema.createIndex('honeypot_sessions_src').on('honeypot_sessions').columns(['src_ip', 'started_at']).execute();
  await db.schema.createIndex('events_session').on('events').columns(['session', 'time']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_session').ifExists().execute();
  await db.schema.dropTable('honeypot_sessions').ifExists().execute();
}
