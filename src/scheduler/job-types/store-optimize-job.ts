import { sql } from 'kysely';
import Type from 'typebox';
import type { Store } from '../../store/store.js';
import type { JobSummary, JobType } from '../job-type.js';

const Params = Type.Object({}, { additionalProperties: false });

const AUTO_VACUUM = ['none', 'full', 'incremental'] as const;

/**
 * Keeps the database in shape. SQLite: `PRAGMA optimize` (refreshes the statistics the query planner uses, for
 * tables whose contents changed a lot), then `PRAGMA incremental_vacuum`, which returns free pages to the file
 * system — only when the database's auto_vacuum mode is INCREMENTAL, which can be chosen only before its first
 * table exists (the summary says which mode the file has). PostgreSQL: `ANALYZE` (autovacuum reclaims space).
 */
export function storeOptimizeJobType(deps: { store: Store }): JobType<typeof Params> {
  return {
    name: 'store-optimize',
    description: 'SQLite: PRAGMA optimize and incremental vacuum; PostgreSQL: ANALYZE',
    params: Params,
    async run(_params, { signal }) {
      const { store } = deps;
      if (store.dialect === 'postgres') {
        await sql`ANALYZE`.execute(store.db);
        return { dialect: 'postgres', analyzed: true };
      }
      const before = await pageStats(store);
      signal.throwIfAborted();
      await sql`PRAGMA optimize`.execute(store.db);
      signal.throwIfAborted();
      const mode = AUTO_VACUUM[before.autoVacuum] ?? 'none';
      if (mode === 'incremental') await incrementalVacuum(store, before.free, signal);
      const after = await pageStats(store);
      const summary: JobSummary = {
        dialect: 'sqlite',
        autoVacuum: mode,
        pagesFreed: before.pages - after.pages,
        bytesFreed: (before.pages - after.pages) * after.pageSize,
        freePagesLeft: after.free,
      };
      if (mode !== 'incremental') summary.note = `auto_vacuum is ${mode.toUpperCase()}: free pages (${after.free}) stay in the file; converting needs a one-time VACUUM`;
      return summary;
    },
  } satisfies JobType<typeof Params>;
}

/** Free pages returned per write transaction: short enough that other writers never wait long. */
const VACUUM_CHUNK = 1000;

/**
 * `PRAGMA incremental_vacuum` frees one page per execution step, and a statement that returns no rows is
 * stepped once by better-sqlite3's `run()` (which Kysely uses for it): so one page per statement. The pages
 * are freed in chunks, one transaction each, checking the signal between chunks.
 */
async function incrementalVacuum(store: Store, pages: number, signal: AbortSignal): Promise<void> {
  for (let done = 0; done < pages; done += VACUUM_CHUNK) {
    signal.throwIfAborted();
    const n = Math.min(VACUUM_CHUNK, pages - done);
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i++) await sql`PRAGMA incremental_vacuum`.execute(trx);
    });
  }
}

async function pageStats(store: Store): Promise<{ pages: number; free: number; pageSize: number; autoVacuum: number }> {
  const one = async (pragma: string) => {
    const r = await sql.raw<Record<string, number>>(`PRAGMA ${pragma}`).execute(store.db);
    return Number(Object.values(r.rows[0] ?? {})[0] ?? 0);
  };
  return { pages: await one('page_count'), free: await one('freelist_count'), pageSize: await one('page_size'), autoVacuum: await one('auto_vacuum') };
}
