import { mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { LnmtError } from '../../core/errors.js';
import { migrateToLatest } from '../migrations/index.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';

export interface SqliteStoreOptions {
  dataDir: string;
  file: string;
  cacheSizeMb: number;
  mmapSizeMb: number;
  busyTimeoutMs: number;
  /**
   * Checkpoint the WAL from a worker thread (long-running processes: `serve`, `sensor`, `hub`) instead of on
   * the writer's connection, which blocks the event loop while it copies and syncs.
   */
  backgroundCheckpoint?: boolean;
}

export function sqliteFilePath(opts: Pick<SqliteStoreOptions, 'dataDir' | 'file'>): string {
  return isAbsolute(opts.file) ? opts.file : resolve(opts.dataDir, opts.file);
}

/**
 * SQLite in WAL mode with the pragmas a busy single-writer store wants: NORMAL sync (durable at checkpoints,
 * safe with WAL), a large page cache, memory-mapped reads, foreign keys, and incremental auto-vacuum.
 */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const path = sqliteFilePath(opts);
  let raw: BetterSqlite3.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    raw = new BetterSqlite3(path, { timeout: opts.busyTimeoutMs });
  } catch (cause) {
    throw new LnmtError('LNMT_ERR_STORE', `cannot open SQLite database at ${path}`, { cause });
  }
  // Before WAL: switching to WAL writes the file header, after which auto_vacuum can no longer change.
  if (raw.pragma('auto_vacuum', { simple: true }) === 0 && (raw.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0) {
    raw.pragma('auto_vacuum = INCREMENTAL'); // only takes effect on an empty database
  }
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma(`cache_size = -${opts.cacheSizeMb * 1024}`);
  raw.pragma(`mmap_size = ${opts.mmapSizeMb * 1024 * 1024}`);
  raw.pragma('temp_store = MEMORY');
  raw.pragma('journal_size_limit = 67108864');
  // Checkpoint every ~40 MB of WAL instead of ~4 MB: each checkpoint copies pages back and syncs, and at the
  // default it took a quarter of the status-write path (41k -> 56k updates/s measured); readers are unaffected.
  // With the checkpointer thread the writer's own checkpoint is only a backstop, at ~160 MB of WAL.
  raw.pragma(`wal_autocheckpoint = ${opts.backgroundCheckpoint ? 40_000 : 10_000}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  await migrateToLatest(db, 'sqlite');
  await sql`PRAGMA optimize = 0x10002`.execute(db);
  const dataVersion = raw.prepare('PRAGMA data_version').pluck();
  const checkpointer: WalCheckpointer | null = opts.backgroundCheckpoint ? startWalCheckpointer(path, { intervalMs: 250, busyTimeoutMs: opts.busyTimeoutMs }) : null;

  return {
    dialect: 'sqlite',
    db,
    location: path,
    async sizeBytes() {
      let total = 0;
      for (const f of [path, `${path}-wal`, `${path}-shm`]) {
        try {
          total += statSync(f).size;
        } catch {
          /* absent WAL/SHM is normal */
        }
      }
      return total;
    },
    dataVersion() {
      return dataVersion.get() as number;
    },
    async ping() {
      const t = performance.now();
      raw.prepare('SELECT 1').get();
      return performance.now() - t;
    },
    async close() {
      await checkpointer?.stop();
      try {
        raw.pragma('optimize');
      } catch {
        /* closing anyway */
      }
      await db.destroy();
    },
  };
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling a 1,000-row batch statement each time cost ~14 %
 * of the status-update path. Prepared statements are reusable in better-sqlite3, so keep the most recent ones
 * (keyed by SQL text; queries differ in parameters, not text).
 */
function withStatementCache(raw: BetterSqlite3.Database, size = 256): { prepare(sql: string): BetterSqlite3.Statement; close(): void } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text); // re-insert: Map order is the LRU order
      } else {
        stmt = raw.prepare(text);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
}
