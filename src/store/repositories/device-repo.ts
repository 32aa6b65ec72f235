import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { DeviceStatus } from '../../core/events.js';
import { cidrKeyRange, ipKey } from '../../core/ip.js';
import { placeholder, valuesList, type SqlValue } from '../bulk-values.js';
import type { Database, DeviceRow, HistoryRow } from '../schema.js';
import type { StoreDialect } from '../store.js';

type Db = Kysely<Database> | Transaction<Database>;

export const DEVICE_SORTS = ['ip', 'hostname', 'vendor', 'status', 'last_seen', 'first_seen', 'rtt_ms', 'mac'] as const;
export type DeviceSortField = (typeof DEVICE_SORTS)[number];

export interface DeviceFilter {
  status?: DeviceStatus | undefined;
  /** Case-insensitive substring of the vendor name. */
  vendor?: string | undefined;
  /** CIDR; matched as an index range on ip_key. */
  subnet?: string | undefined;
  /** Free text: substring of ip, mac, hostname, vendor, name or notes. */
  q?: string | undefined;
}

export interface DeviceListQuery extends DeviceFilter {
  sort?: DeviceSortField | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit: number;
  offset: number;
}

export interface NewDevice {
  ip: string;
  mac?: string | null;
  vendor?: string | null;
  mac_private?: number;
  hostname?: string | null;
  name?: string | null;
  notes?: string | null;
  status?: DeviceStatus;
  rtt_ms?: number | null;
  method?: string | null;
  source: 'scan' | 'manual';
  first_seen?: number | null;
  last_seen?: number | null;
  last_checked?: number | null;
}

export type DevicePatch = Partial<Pick<DeviceRow, 'ip' | 'mac' | 'vendor' | 'mac_private' | 'hostname' | 'name' | 'notes' | 'status' | 'rtt_ms' | 'method' | 'last_seen' | 'last_checked'>>;

/** One status observation to write: the device row's new state plus a history row. */
export interface StatusUpdate {
  device_id: number;
  status: DeviceStatus;
  rtt_ms: number | null;
  method: string | null;
  time: number;
  /** Set last_seen (only when the device answered). */
  seen: boolean;
  scan_id: string | null;
  /** The status differs from the stored one (the writer then also updates status and first_seen). */
  changed: boolean;
}

/** SQL parameters per row of the batched update; PostgreSQL needs typed VALUES. */
const CHUNK = 1000;

export class DeviceRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  private filtered(db: Db, f: DeviceFilter) {
    let qb = db.selectFrom('devices');
    if (f.status) qb = qb.where('status', '=', f.status);
    // instr/strpos instead of LIKE: user text is matched literally, with no wildcard escaping to get wrong.
    const contains = (col: string, needle: string) => sql<boolean>`${sql.raw(this.dialect === 'postgres' ? 'strpos' : 'instr')}(lower(${sql.ref(col)}), ${needle}) > 0`;
    if (f.vendor) qb = qb.where(contains('vendor', f.vendor.toLowerCase()));
    if (f.subnet) {
      const [lo, hi] = cidrKeyRange(f.subnet);
      qb = qb.where('ip_key', '>=', lo).where('ip_key', '<=', hi);
    }
    if (f.q) {
      const needle = f.q.toLowerCase();
      qb = qb.where((eb) => eb.or(['ip', 'mac', 'hostname', 'vendor', 'name', 'notes'].map((c) => contains(c, needle))));
    }
    return qb;
  }

  async list(q: DeviceListQuery): Promise<{ items: DeviceRow[]; total: number }> {
    const [items, total] = await Promise.all([this.page(q), this.count(q)]);
    return { items, total };
  }

  /** One page of `list` without the total (callers that cache totals, like the API, count separately). */
  page(q: DeviceListQuery): Promise<DeviceRow[]> {
    const sortCol = q.sort === 'ip' || !q.sort ? 'ip_key' : q.sort;
    const dir = q.order ?? 'asc';
    return this.filtered(this.db, q).selectAll().orderBy(sortCol, dir).orderBy('ip_key', dir).limit(q.limit).offset(q.offset).execute();
  }

  async count(f: DeviceFilter = {}): Promise<number> {
    const r = await this.filtered(this.db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Every device, for streaming exports. */
  async *iterate(f: DeviceFilter = {}, pageSize = 2000): AsyncGenerator<DeviceRow> {
    let after = '';
    for (;;) {
      const page = await this.filtered(this.db, f).selectAll().where('ip_key', '>', after).orderBy('ip_key').limit(pageSize).execute();
      for (const row of page) yield row;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.ip_key;
    }
  }

  async countByStatus(): Promise<Record<DeviceStatus, number>> {
    const rows = await this.db.selectFrom('devices').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const out: Record<DeviceStatus, number> = { online: 0, offline: 0, unknown: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  get(id: number): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByIp(ip: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('ip_key', '=', ipKey(ip)).executeTakeFirst();
  }

  /** The whole inventory as the tracker's in-memory index (id, ip, mac, hostname, status, last_checked). */
  allForIndex(): Promise<Array<Pick<DeviceRow, 'id' | 'ip' | 'mac' | 'vendor' | 'hostname' | 'status' | 'rtt_ms' | 'method' | 'last_checked'>>> {
    return this.db.selectFrom('devices').select(['id', 'ip', 'mac', 'vendor', 'hostname', 'status', 'rtt_ms', 'method', 'last_checked']).execute();
  }

  history(deviceId: number, limit: number): Promise<HistoryRow[]> {
    return this.db.selectFrom('device_status_history').selectAll().where('device_id', '=', deviceId).orderBy('time', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async insert(d: NewDevice, db: Db = this.db, now = Date.now()): Promise<DeviceRow> {
    const row = await db
      .insertInto('devices')
      .values({
        ip: d.ip,
        ip_key: ipKey(d.ip),
        mac: d.mac ?? null,
        vendor: d.vendor ?? null,
        mac_private: d.mac_private ?? 0,
        hostname: d.hostname ?? null,
        name: d.name ?? null,
        notes: d.notes ?? null,
        status: d.status ?? 'unknown',
        rtt_ms: d.rtt_ms ?? null,
        method: d.method ?? null,
        source: d.source,
        first_seen: d.first_seen ?? null,
        last_seen: d.last_seen ?? null,
        last_checked: d.last_checked ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return row;
  }

  async update(id: number, patch: DevicePatch, db: Db = this.db, now = Date.now()): Promise<DeviceRow | undefined> {
    const values: Record<string, unknown> = { ...patch, updated_at: now };
    if (patch.ip !== undefined) values.ip_key = ipKey(patch.ip);
    return db.updateTable('devices').set(values).where('id', '=', id).returningAll().executeTakeFirst();
  }

  async delete(id: number): Promise<DeviceRow | undefined> {
    return this.db.deleteFrom('devices').where('id', '=', id).returningAll().executeTakeFirst();
  }

  /**
   * Writes status observations in bulk, inside the caller's transaction, per chunk of 1,000: one multi-row
   * history INSERT, and for the device rows one UPDATE ... FROM (VALUES ...) per kind of change, so the common
   * case touches as few indexes as possible — a silent device whose status did not change updates no indexed
   * column, a seen one only `last_seen`. This is the hot path of scans and the status benchmark, so its SQL is
   * written as text with placeholders (the query builder's per-value nodes cost ~10 % here); the statements
   * are the same on both dialects but for placeholder style and PostgreSQL's column types.
   */
  async applyStatusUpdates(updates: readonly StatusUpdate[], db: Db, now = Date.now()): Promise<void> {
    for (let i = 0; i < updates.length; i += CHUNK) {
      const chunk = updates.slice(i, i + CHUNK);
      // The last observation of a device wins for its row; any status change in the chunk puts it in `changed`.
      const latest = new Map<number, StatusUpdate>();
      const changedIds = new Set<number>();
      for (const u of chunk) {
        latest.set(u.device_id, u);
        if (u.changed) changedIds.add(u.device_id);
      }
      const changed: StatusUpdate[] = [];
      const seen: StatusUpdate[] = [];
      const silent: StatusUpdate[] = [];
      for (const u of latest.values()) (changedIds.has(u.device_id) ? changed : u.seen ? seen : silent).push(u);
      if (changed.length > 0) {
        await this.run(db, changed, ['bigint', 'text', 'real', 'text', 'bigint', 'int'], (u) => [u.device_id, u.status, u.rtt_ms, u.method, u.time, u.seen ? 1 : 0], (values, nowP) => `
          WITH v(id, status, rtt_ms, method, t, seen) AS (VALUES ${values})
          UPDATE devices SET
            status = v.status,
            rtt_ms = CASE WHEN v.seen = 1 THEN v.rtt_ms ELSE devices.rtt_ms END,
            method = CASE WHEN v.seen = 1 THEN v.method ELSE devices.method END,
            last_seen = CASE WHEN v.seen = 1 THEN v.t ELSE devices.last_seen END,
            first_seen = CASE WHEN devices.first_seen IS NULL AND v.seen = 1 THEN v.t ELSE devices.first_seen END,
            last_checked = v.t,
            updated_at = ${nowP}
          FROM v WHERE devices.id = v.id`, now);
      }
      if (seen.length > 0) {
        await this.run(db, seen, ['bigint', 'real', 'text', 'bigint'], (u) => [u.device_id, u.rtt_ms, u.method, u.time], (values, nowP) => `
          WITH v(id, rtt_ms, method, t) AS (VALUES ${values})
          UPDATE devices SET rtt_ms = v.rtt_ms, method = v.method, last_seen = v.t, last_checked = v.t, updated_at = ${nowP}
          FROM v WHERE devices.id = v.id`, now);
      }
      if (silent.length > 0) {
        await this.run(db, silent, ['bigint', 'bigint'], (u) => [u.device_id, u.time], (values, nowP) => `
          WITH v(id, t) AS (VALUES ${values})
          UPDATE devices SET last_checked = v.t, updated_at = ${nowP}
          FROM v WHERE devices.id = v.id`, now);
      }
      await this.run(db, chunk, ['bigint', 'bigint', 'text', 'real', 'text', 'text'], (u) => [u.device_id, u.time, u.status, u.rtt_ms, u.method, u.scan_id], (values) => `
        INSERT INTO device_status_history (device_id, time, status, rtt_ms, method, scan_id) VALUES ${values}`);
    }
  }

  /**
   * Runs `text(values, nowPlaceholder)` with `values` = one placeholder tuple per item (`(?, ?)` on SQLite,
   * `($1::bigint, $2::text)` on PostgreSQL, whose untyped VALUES lists need the types) and an optional trailing
   * `now` parameter.
   */
  private async run(db: Db, list: StatusUpdate[], types: string[], pick: (u: StatusUpdate) => SqlValue[], text: (values: string, nowPlaceholder: string) => string, now?: number): Promise<void> {
    const params: SqlValue[] = [];
    const values = valuesList(this.dialect, list, types, pick, params);
    const nowPlaceholder = now !== undefined ? placeholder(this.dialect, now, 'bigint', params) : '';
    await db.executeQuery(CompiledQuery.raw(text(values, nowPlaceholder), params));
  }
}
