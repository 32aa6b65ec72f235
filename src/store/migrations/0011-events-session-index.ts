import type { Kysely } from 'kysely';

/**
 * Drops `events (session, time)`. Session ids are random as far as the index is concerned, so every archived
 * honeypot event inserted into it at a random page: with `events (src_ip, time)` it cost more than half of the
 * archive's insert time and of each commit's dirty pages. Its one reader, a session's events, now reads the
 * session's source over the session's time span through `events (src_ip, time)` and keeps that session's rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_session').ifExists().execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('events_session').on('events').columns(['session', 'time']).execute();
}
