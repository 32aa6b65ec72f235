import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { CheckState } from '../../core/events.js';
import { uuidv7 } from '../../core/ids.js';
import type { CheckDefinition } from '../../monitor/check-spec.js';
import { valuesList, type SqlValue } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { StoreDialect } from '../store.js';
import type { CheckRow } from '../tables/monitor.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface CheckListQuery {
  deviceId?: number | undefined;
  type?: string | undefined;
  state?: CheckState | undefined;
  tag?: string | undefined;
  enabled?: boolean | undefined;
  limit: number;
  offset: number;
}

/** The state columns the monitor writes after each result (never `updated_at`: that marks definition edits). */
export interface CheckStateUpdate {
  id: string;
  state: CheckState;
  state_since: number | null;
  streak: number;
  flapping: number;
  last_run_at: number;
  last_ok: number;
  last_latency_ms: number | null;
  last_message: string;
}

export function rowToDefinition(r: CheckRow): CheckDefinition {
  return {
    name: r.name,
    type: r.type,
    target: r.target,
    deviceId: r.device_id === null ? null : Number(r.device_id),
    params: JSON.parse(r.params) as Record<string, unknown>,
    intervalMs: Number(r.interval_ms),
    timeoutMs: Number(r.timeout_ms),
    retries: Number(r.retries),
    flapThreshold: Number(r.flap_threshold),
    flapWindowMs: Number(r.flap_window_ms),
    enabled: Number(r.enabled) === 1,
    tags: JSON.parse(r.tags) as string[],
  };
}

function definitionColumns(d: CheckDefinition) {
  return {
    name: d.name,
    type: d.type,
    target: d.target,
    device_id: d.deviceId,
    params: JSON.stringify(d.params),
    interval_ms: d.intervalMs,
    timeout_ms: d.timeoutMs,
    retries: d.retries,
    flap_threshold: d.flapThreshold,
    flap_window_ms: d.flapWindowMs,
    enabled: d.enabled ? 1 : 0,
    tags: JSON.stringify(d.tags),
  };
}

/** Numbers come back as strings from PostgreSQL bigint columns; the rest of the code sees numbers. */
export function normalizeCheckRow(r: CheckRow): CheckRow {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    ...r,
    device_id: n(r.device_id),
    interval_ms: Number(r.interval_ms),
    timeout_ms: Number(r.timeout_ms),
    state_since: n(r.state_since),
    last_run_at: n(r.last_run_at),
    last_latency_ms: n(r.last_latency_ms),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}

export class CheckRepo {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: StoreDialect) {}

  async insert(d: CheckDefinition, now = Date.now()): Promise<CheckRow> {
    const row: CheckRow = {
      id: uuidv7(now),
      ...definitionColumns(d),
      state: 'unknown',
      state_since: null,
      streak: 0,
      flapping: 0,
      last_run_at: null,
      last_ok: null,
      last_latency_ms: null,
      last_message: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('checks').values(row).execute();
    return row;
  }

  async update(id: string, d: CheckDefinition, now = Date.now()): Promise<CheckRow | undefined> {
    // A new target or type of probe starts from unknown: the old state described something else.
    const before = await this.get(id);
    if (!before) return undefined;
    const reset = before.target !== d.target || (before.device_id ?? null) !== d.deviceId;
    await this.db
      .updateTable('checks')
      .set({ ...definitionColumns(d), updated_at: Math.max(now, before.updated_at + 1), ...(reset ? { state: 'unknown', state_since: null, streak: 0, flapping: 0 } : {}) })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  async get(id: string): Promise<CheckRow | undefined> {
    const r = await this.db.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirst();
    return r && normalizeCheckRow(r);
  }

  /** By id, or else by exact name (the CLI accepts either). */
  async find(idOrName: string): Promise<CheckRow | undefined> {
    const r = await this.db.selectFrom('checks').selectAll().where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).orderBy('created_at').executeTakeFirst();
    return r && normalizeCheckRow(r);
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    let q = this.db.selectFrom('checks').select('id').where('name', '=', name);
    if (exceptId) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  private filtered(db: Db, f: Omit<CheckListQuery, 'limit' | 'offset'>) {
    let q = db.selectFrom('checks');
    if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.enabled !== undefined) q = q.where('enabled', '=', f.enabled ? 1 : 0);
    // Tags are a small JSON array of restricted characters; a quoted substring match is exact.
    if (f.tag) q = q.where(sql<boolean>`${sql.raw(this.dialect === 'postgres' ? 'strpos' : 'instr')}(tags, ${JSON.stringify(f.tag)}) > 0`);
    return q;
  }

  async list(f: CheckListQuery): Promise<{ rows: CheckRow[]; total: number }> {
    const rows = await this.filtered(this.db, f).selectAll().orderBy('name').limit(f.limit).offset(f.offset).execute();
    const { n } = await this.filtered(this.db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { rows: rows.map(normalizeCheckRow), total: Number(n) };
  }

  async all(enabledOnly = false): Promise<CheckRow[]> {
    let q = this.db.selectFrom('checks').selectAll();
    if (enabledOnly) q = q.where('enabled', '=', 1);
    return (await q.execute()).map(normalizeCheckRow);
  }

  /** Deletes the check, its raw results and aggregates. */
  async remove(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx.deleteFrom('checks').where('id', '=', id).executeTakeFirst();
      await trx.deleteFrom('check_results').where('check_id', '=', id).execute();
      await trx.deleteFrom('check_rollups').where('check_id', '=', id).execute();
      return Number(res.numDeletedRows) > 0;
    });
  }

  /** Changes when a check is added, edited or removed by any process: `count:max(updated_at)`. */
  async definitionsVersion(): Promise<string> {
    const r = await this.db.selectFrom('checks').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('u')]).executeTakeFirstOrThrow();
    return `${r.n}:${r.u ?? 0}`;
  }

  /** Checks edited after `since` (for reloading only what changed). */
  async changedSince(since: number): Promise<CheckRow[]> {
    return (await this.db.selectFrom('checks').selectAll().where('updated_at', '>', since).execute()).map(normalizeCheckRow);
  }

  async ids(): Promise<string[]> {
    return (await this.db.selectFrom('checks').select('id').execute()).map((r) => r.id);
  }

  /** The state columns of many checks in one statement per chunk. */
  async saveStates(db: Db, updates: CheckStateUpdate[]): Promise<void> {
    for (let i = 0; i < updates.length; i += 500) {
      const chunk = updates.slice(i, i + 500);
      const params: SqlValue[] = [];
      const values = valuesList(this.dialect, chunk, ['text', 'text', 'bigint', 'integer', 'integer', 'bigint', 'integer', 'real', 'text'], (u) => [u.id, u.state, u.state_since, u.streak, u.flapping, u.last_run_at, u.last_ok, u.last_latency_ms, u.last_message], params);
      await db.executeQuery(CompiledQuery.raw(`
        WITH v(id, state, state_since, streak, flapping, last_run_at, last_ok, last_latency_ms, last_message) AS (VALUES ${values})
        UPDATE checks SET state = v.state, state_since = v.state_since, streak = v.streak, flapping = v.flapping,
          last_run_at = v.last_run_at, last_ok = v.last_ok, last_latency_ms = v.last_latency_ms, last_message = v.last_message
        FROM v WHERE checks.id = v.id`, params));
    }
  }
}
