import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NotifyDeliveriesTable, NotifyDeliveryRow } from '../tables/notify.js';

export type NotifyDeliveryInsert = Insertable<NotifyDeliveriesTable>;

export interface DeliveryLogQuery {
  limit: number;
  offset: number;
  channelId?: string | undefined;
  status?: NotifyDeliveryRow['status'] | undefined;
  rule?: string | undefined;
}

/** 15 columns per row; SQLite allows 32,766 bound parameters per statement. */
const CHUNK = 500;

/** The delivery log: written in batches, read newest first, trimmed by age. */
export class NotifyLogRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(rows: readonly NotifyDeliveryInsert[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) await this.db.insertInto('notify_deliveries').values(rows.slice(i, i + CHUNK)).execute();
  }

  async page(q: DeliveryLogQuery): Promise<{ items: NotifyDeliveryRow[]; total: number }> {
    let base = this.db.selectFrom('notify_deliveries');
    if (q.channelId !== undefined) base = base.where('channel_id', '=', q.channelId);
    if (q.status !== undefined) base = base.where('status', '=', q.status);
    if (q.rule !== undefined) base = base.where('rule', '=', q.rule);
    const [items, count] = await Promise.all([
      base.selectAll().orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }

  /** Deletes rows older than `before` (epoch ms); returns how many. */
  async deleteBefore(before: number): Promise<number> {
    const r = await this.db.deleteFrom('notify_deliveries').where('time', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
