import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { Aggregate, type RollupStep } from '../../monitor/aggregate.js';
import { valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface RollupKey {
  bucket: number;
  checkId: string;
}

/** A time range of one aggregate level, [from, to). */
export interface LevelRange {
  step: RollupStep;
  from: number;
  to: number;
}

export interface DeviceHealthRow {
  device_id: number;
  ip: string;
  hostname: string | null;
  name: string | null;
  checks: number;
  up: number;
  down: number;
}

/**
 * Per-check sums over one level's range: for each check (outer loop, in id order) a range seek on the covering
 * index `check_rollups_check` (check_id, step, bucket, up, down), grouped in that same order — no sort and no
 * dependence on planner statistics (SQLite's CROSS JOIN fixes the loop order; PostgreSQL plans it freely).
 */
function perCheckSums(r: LevelRange) {
  return sql`SELECT c.id AS check_id, sum(r.up) AS up, sum(r.down) AS down
    FROM checks c CROSS JOIN check_rollups r
    WHERE r.check_id = c.id AND r.step = ${r.step} AND r.bucket >= ${r.from} AND r.bucket < ${r.to}
    GROUP BY c.id`;
}

/** Minute/hour/day aggregates: read-merge-write by the rollup, range reads by the history queries. */
export class RollupRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  /** Existing aggregates for these keys of one level. */
  async load(db: Db, step: RollupStep, keys: readonly RollupKey[]): Promise<Map<string, Aggregate>> {
    const out = new Map<string, Aggregate>();
    const byBucket = new Map<number, string[]>();
    for (const k of keys) {
      const list = byBucket.get(k.bucket) ?? [];
      list.push(k.checkId);
      byBucket.set(k.bucket, list);
    }
    for (const [bucket, ids] of byBucket) {
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = await db.selectFrom('check_rollups').selectAll().where('step', '=', step).where('bucket', '=', bucket).where('check_id', 'in', ids.slice(i, i + 1000)).execute();
        for (const r of rows) out.set(`${r.check_id}|${bucket}`, Aggregate.fromRow(r));
      }
    }
    return out;
  }

  /** The newest bucket stored at a level (a seek to the end of the primary key), or null when empty. */
  async newestBucket(db: Db, step: RollupStep): Promise<number | null> {
    const r = await db.selectFrom('check_rollups').select('bucket').where('step', '=', step).orderBy('bucket', 'desc').limit(1).executeTakeFirst();
    return r ? Number(r.bucket) : null;
  }

  async upsert(db: Db, step: RollupStep, rows: ReadonlyArray<{ bucket: number; checkId: string; agg: Aggregate }>): Promise<void> {
    for (let i = 0; i < rows.length; i += 2000) {
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, rows.slice(i, i + 2000), ['text', 'bigint', 'text', 'integer', 'integer', 'integer', 'double precision', 'double precision', 'double precision', 'double precision', 'text'], (r) => [
        step, r.bucket, r.checkId, r.agg.up, r.agg.down, r.agg.latCount, r.agg.latSum, r.agg.latMin, r.agg.latMax, r.agg.p95, r.agg.hist.encode(),
      ], params);
      await db.executeQuery(CompiledQuery.raw(`
        INSERT INTO check_rollups (step, bucket, check_id, up, down, lat_count, lat_sum, lat_min, lat_max, lat_p95, lat_hist) VALUES ${values}
        ON CONFLICT (step, bucket, check_id) DO UPDATE SET up = excluded.up, down = excluded.down, lat_count = excluded.lat_count,
          lat_sum = excluded.lat_sum, lat_min = excluded.lat_min, lat_max = excluded.lat_max, lat_p95 = excluded.lat_p95, lat_hist = excluded.lat_hist`, params));
    }
  }

  async deleteBefore(step: RollupStep, cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('check_rollups').where('step', '=', step).where('bucket', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Aggregate rows of one check over the ranges (with histograms: for latency percentiles and series). */
  async forCheck(checkId: string, ranges: readonly LevelRange[]): Promise<Array<{ step: RollupStep; bucket: number; agg: Aggregate }>> {
    const out: Array<{ step: RollupStep; bucket: number; agg: Aggregate }> = [];
    for (const r of ranges) {
      const rows = await this.db.selectFrom('check_rollups').selectAll().where('check_id', '=', checkId).where('step', '=', r.step).where('bucket', '>=', r.from).where('bucket', '<', r.to).orderBy('bucket').execute();
      for (const row of rows) out.push({ step: r.step, bucket: Number(row.bucket), agg: Aggregate.fromRow(row) });
    }
    return out;
  }

  /**
   * The seed's health report in one query: per device, its checks and their successful/failed results over the
   * ranges. Counts only (no histograms): per-check sums per range, then the per-check totals joined to checks and
   * devices.
   */
  async deviceHealth(ranges: readonly LevelRange[], deviceId?: number): Promise<DeviceHealthRow[]> {
    if (ranges.length === 0) return [];
    const parts = ranges.map((r) => perCheckSums(r));
    const device = deviceId === undefined ? sql`` : sql`WHERE d.id = ${deviceId}`;
    // Sum per check first (one pass over the aggregate rows), then join the few per-check totals to checks and
    // devices: joining every aggregate row would cost two index lookups per row.
    const q = sql<DeviceHealthRow>`
      SELECT d.id AS device_id, d.ip AS ip, d.hostname AS hostname, d.name AS name,
        count(*) AS checks, sum(a.up) AS up, sum(a.down) AS down
      FROM (SELECT p.check_id AS check_id, sum(p.up) AS up, sum(p.down) AS down FROM (${sql.join(parts, sql` UNION ALL `)}) p GROUP BY p.check_id) a
        JOIN checks c ON c.id = a.check_id
        JOIN devices d ON d.id = c.device_id
      ${device}
      GROUP BY d.id, d.ip, d.hostname, d.name`;
    const rows = (await q.execute(this.db)).rows;
    return rows.map((r) => ({ device_id: Number(r.device_id), ip: r.ip, hostname: r.hostname, name: r.name, checks: Number(r.checks), up: Number(r.up), down: Number(r.down) }));
  }

  /** Counts per check over the ranges (for check lists with uptime columns). */
  async checkCounts(ranges: readonly LevelRange[], checkIds?: readonly string[]): Promise<Map<string, { up: number; down: number }>> {
    const out = new Map<string, { up: number; down: number }>();
    if (ranges.length === 0) return out;
    const parts = ranges.map((r) => perCheckSums(r));
    const filter = checkIds && checkIds.length > 0 ? sql`WHERE r.check_id IN (${sql.join(checkIds.map((id) => sql`${id}`))})` : sql``;
    const q = sql<{ check_id: string; up: number; down: number }>`
      SELECT r.check_id AS check_id, sum(r.up) AS up, sum(r.down) AS down FROM (${sql.join(parts, sql` UNION ALL `)}) r ${filter} GROUP BY r.check_id`;
    for (const r of (await q.execute(this.db)).rows) out.set(r.check_id, { up: Number(r.up), down: Number(r.down) });
    return out;
  }
}
