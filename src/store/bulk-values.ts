import type { StoreDialect } from './store.js';

export type SqlValue = string | number | null;

/**
 * Placeholder tuples for a multi-row statement: `(?, ?), (?, ?)` on SQLite, `($1::bigint, $2::text), ...` on
 * PostgreSQL (whose untyped VALUES lists need the types). Parameters are appended to `params`, so several
 * lists and trailing parameters can share one statement. Kysely's builder compiles the same SQL, but rebuilding
 * its tree for thousands of rows per batch costs more than the insert itself.
 */
export function valuesList<T>(dialect: StoreDialect, rows: readonly T[], types: readonly string[], pick: (row: T) => SqlValue[], params: SqlValue[]): string {
  const pg = dialect === 'postgres';
  const tuples: string[] = [];
  for (const row of rows) {
    const vals = pick(row);
    const ph = vals.map((v, k) => {
      params.push(v);
      return pg ? `$${params.length}::${types[k]}` : '?';
    });
    tuples.push(`(${ph.join(', ')})`);
  }
  return tuples.join(', ');
}

/** A placeholder for one more parameter (appended to `params`). */
export function placeholder(dialect: StoreDialect, value: SqlValue, type: string, params: SqlValue[]): string {
  params.push(value);
  return dialect === 'postgres' ? `$${params.length}::${type}` : '?';
}


/** Chunk sizes below the largest: every multi-row statement has one of a few shapes. */
const LADDER = [100, 20, 5, 1];

/**
 * Splits rows into chunks whose sizes come from a short ladder (`max`, 100, 20, 5, 1) instead of "whatever is
 * left". The SQL text of a multi-row statement depends on its row count, and SQLite's statement cache is keyed
 * by text: a batch of 137 rows used to compile a 137-row statement that was never seen again, which made small
 * batches (the low-latency case) cost more per row than large ones. With the ladder there are at most five
 * texts per statement, all cached after the first batches.
 */
export function ladderChunks<T>(rows: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of [max, ...LADDER.filter((n) => n < max)]) {
    while (rows.length - i >= size) {
      out.push(rows.slice(i, i + size));
      i += size;
    }
  }
  return out;
}
