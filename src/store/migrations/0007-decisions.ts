import type { Kysely } from 'kysely';

/** Decisions (bans and tags with expiry) and their change log for incremental blocklists (issue 6: response). */
export async function up(_db: Kysely<any>, _dialect: 'sqlite' | 'postgres'): Promise<void> {}
