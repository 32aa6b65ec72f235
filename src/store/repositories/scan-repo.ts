import type { Kysely } from 'kysely';
import type { Database, ScanRow } from '../schema.js';

export interface ScanSummary {
  addresses: number;
  probed: number;
  cached: number;
  online: number;
  discovered: number;
  went_offline: number;
  came_online: number;
  changed: number;
  duration_ms: number;
  methods: Record<string, number>;
  notices: string[];
}

export class ScanRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: { id: string; targets: string[]; options: unknown; requested_by: string | null; now?: number }): Promise<void> {
    await this.db
      .insertInto('scans')
      .values({ id: s.id, targets: JSON.stringify(s.targets), status: 'queued', requested_by: s.requested_by, options: JSON.stringify(s.options), summary: null, error: null, created_at: s.now ?? Date.now(), started_at: null, finished_at: null })
      .execute();
  }

  async markRunning(id: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('scans').set({ status: 'running', started_at: now }).where('id', '=', id).execute();
  }

  async finish(id: string, status: 'finished' | 'failed' | 'cancelled', summary: ScanSummary | null, error: string | null, now = Date.now()): Promise<void> {
    await this.db.updateTable('scans').set({ status, summary: summary ? JSON.stringify(summary) : null, error, finished_at: now }).where('id', '=', id).execute();
  }

  get(id: string): Promise<ScanRow | undefined> {
    return this.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(limit: number): Promise<ScanRow[]> {
    return this.db.selectFrom('scans').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  }

  /** Scans left `running` by a process that died are marked failed at start-up. */
  async failOrphans(now = Date.now()): Promise<number> {
    const r = await this.db.updateTable('scans').set({ status: 'failed', error: 'interrupted: the process running it stopped', finished_at: now }).where('status', 'in', ['queued', 'running']).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
