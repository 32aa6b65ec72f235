import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type StoreDialect = 'sqlite' | 'postgres';

/** The store handed to every part: one Kysely instance, whichever database is behind it. */
export interface Store {
  readonly dialect: StoreDialect;
  readonly db: Kysely<Database>;
  /** Where the data lives, for `lnmt status` (file path or URL without password). */
  readonly location: string;
  /** Bytes on disk (SQLite: db + WAL; PostgreSQL: pg_database_size). */
  sizeBytes(): Promise<number>;
  /**
   * SQLite only: `PRAGMA data_version`, which changes when another connection (another process, e.g. a CLI
   * command) commits. Writes through this store's own connection do not change it. Costs microseconds.
   */
  dataVersion?(): number;
  /** Cheap liveness probe (`SELECT 1`), used by /api/health. */
  ping(): Promise<number>;
  close(): Promise<void>;
}
