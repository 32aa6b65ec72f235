import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NotifyChannelRow } from '../tables/notify.js';

export type NotifyChannelPatch = Partial<Pick<NotifyChannelRow, 'name' | 'enabled' | 'settings' | 'filter'>>;

/** Stored notification channels (a small table: read whole). */
export class NotifyChannelRepo {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<NotifyChannelRow[]> {
    return this.db.selectFrom('notify_channels').selectAll().orderBy('name').execute();
  }

  get(id: string): Promise<NotifyChannelRow | undefined> {
    return this.db.selectFrom('notify_channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByName(name: string): Promise<NotifyChannelRow | undefined> {
    return this.db.selectFrom('notify_channels').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async insert(row: NotifyChannelRow): Promise<void> {
    await this.db.insertInto('notify_channels').values(row).execute();
  }

  /** Returns false when no channel has this id. */
  async update(id: string, patch: NotifyChannelPatch, now: number): Promise<boolean> {
    const r = await this.db.updateTable('notify_channels').set({ ...patch, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('notify_channels').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
