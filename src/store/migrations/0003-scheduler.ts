import type { Kysely } from 'kysely';

/** Scheduler: job definitions and run history. */
export async function up(_db: Kysely<any>, _dialect: 'sqlite' | 'postgres'): Promise<void> {}
