import type { Kysely } from 'kysely';

/** Notifications: channels and the delivery log. */
export async function up(_db: Kysely<any>, _dialect: 'sqlite' | 'postgres'): Promise<void> {}
