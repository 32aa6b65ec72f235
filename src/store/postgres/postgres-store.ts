import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { LnmtError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact-url.js';
import { migrateToLatest } from '../migrations/index.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';

// Epoch-millisecond columns are BIGINT; they fit a JS number exactly, so read them as numbers.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface PostgresStoreOptions {
  url: string;
  poolSize: number;
  /** An idle pooled connection was lost (server restart, admin termination); the pool replaces it. */
  onIdleError?: (err: Error) => void;
}

/** PostgreSQL behind the same Kysely schema, migrations and queries as SQLite (the fleet's store). */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize });
  // Without a listener, a server restart that drops an idle connection would be an uncaught exception and stop
  // the process; the pool discards that client and the next query opens a new connection.
  pool.on('error', (err) => opts.onIdleError?.(err));
  try {
    const c = await pool.connect();
    c.release();
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new LnmtError('LNMT_ERR_STORE', `cannot connect to PostgreSQL at ${redactUrl(opts.url, 'postgres://***')}`, { cause });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, 'postgres');
  return {
    dialect: 'postgres',
    db,
    location: redactUrl(opts.url, 'postgres://***'),
    async sizeBytes() {
      const r = await sql<{ n: number }>`SELECT pg_database_size(current_database())::bigint AS n`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
    async ping() {
      const t = performance.now();
      await sql`SELECT 1`.execute(db);
      return performance.now() - t;
    },
    async close() {
      await db.destroy();
    },
  };
}
