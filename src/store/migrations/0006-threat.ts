import type { Kysely } from 'kysely';

/** Attacker profiles, rule hits and campaigns (issue 6: threat detection). */
export async function up(_db: Kysely<any>, _dialect: 'sqlite' | 'postgres'): Promise<void> {}
