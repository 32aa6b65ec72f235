import type { Kysely } from 'kysely';

/**
 * The outbox of the threat pipeline's other events (`campaign.detected` / `campaign.updated`): written in the
 * batch's transaction, deleted once the bus accepted them, published again at start-up if a crash came in
 * between. (`threat.detected` keeps its own table, which is also the detections list.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('threat_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('threat_outbox').ifExists().execute();
}
