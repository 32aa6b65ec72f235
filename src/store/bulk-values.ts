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
