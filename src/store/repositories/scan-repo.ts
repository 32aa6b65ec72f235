import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { pidAlive } from '../../core/pid-alive.js';
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

  async create(s: { id: string; targets: string[]; options: unknown; requested_by: string | null; runner?: string; now?: number }): Promise<void> {
    await this.db
      .insertInto('scans')
      .values({ id: s.id, targets: JSON.stringify(s.targets), status: 'queued', requested_by: s.requested_by, runner: s.runner ?? thisRunner(), options: JSON.stringify(s.options), summary: null, error: null, created_at: s.now ?? Date.now(), started_at: null, finished_at: null })
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

  /**
   * Marks failed the scans left queued or running by a process of this host that no longer exists (killed,
   * crashed). Scans of live processes, and of other hosts, are left alone. Run at start-up.
   */
  async failOrphans(isAlive: (pid: number) => boolean = pidAlive, now = Date.now()): Promise<number> {
    const host = `${hostname()}:`;
    const open = await this.db.selectFrom('scans').select(['id', 'runner']).where('status', 'in', ['queued', 'running']).execute();
    const dead = open.filter((r) => r.runner?.startsWith(host) && !isAlive(Number(r.runner.slice(host.length)))).map((r) => r.id);
    if (dead.length === 0) return 0;
    const r = await this.db.updateTable('scans').set({ status: 'failed', error: 'interrupted: the process running it stopped', finished_at: now }).where('id', 'in', dead).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

export function thisRunner(): string {
  return `${hostname()}:${process.pid}`;
}
