import type { Logger } from 'pino';
import type { LnmtConfig } from '../core/config/schema.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * Opens the configured store and brings its schema to the latest migration. `longRunning` (serve, sensor, hub)
 * moves SQLite's WAL checkpoints to a worker thread; a short CLI command does without the thread.
 */
export function openStore(config: LnmtConfig, logger?: Logger, opts: { longRunning?: boolean } = {}): Promise<Store> {
  if (config.store.driver === 'postgres') {
    return openPostgresStore({ ...config.store.postgres, onIdleError: (err) => logger?.warn({ err: err.message }, 'PostgreSQL dropped an idle connection; reconnecting on the next query') });
  }
  return openSqliteStore({ dataDir: config.dataDir, ...config.store.sqlite, backgroundCheckpoint: opts.longRunning ?? false });
}
