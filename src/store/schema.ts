import type { Generated, Selectable } from 'kysely';
import type { CheckResultsTable, CheckRollupsTable, ChecksTable, LnmtStateTable } from './tables/monitor.js';
import type { DecisionTables } from './tables/decisions.js';
import type { HoneynetTables } from './tables/honeynet.js';
import type { ThreatTables } from './tables/threat.js';
import type { NotifyTables } from './tables/notify.js';
import type { SchedulerTables } from './tables/scheduler.js';

/** Timestamps are Unix epoch milliseconds (INTEGER in SQLite, BIGINT in PostgreSQL). */
type Millis = number;

export interface DevicesTable {
  id: Generated<number>;
  ip: string;
  /** Fixed-width hex of the 128-bit address (IPv4 mapped), so ORDER BY / ranges sort numerically. */
  ip_key: string;
  mac: string | null;
  vendor: string | null;
  /** 1 when the MAC is locally administered (randomised): no vendor exists. */
  mac_private: number;
  hostname: string | null;
  /** A user-given label. */
  name: string | null;
  notes: string | null;
  status: 'online' | 'offline' | 'unknown';
  rtt_ms: number | null;
  method: string | null;
  /** 'scan' or 'manual'. */
  source: string;
  first_seen: Millis | null;
  last_seen: Millis | null;
  /** Last time a probe gave an answer either way; the status cache is keyed on it. */
  last_checked: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface DeviceStatusHistoryTable {
  id: Generated<number>;
  device_id: number;
  time: Millis;
  status: 'online' | 'offline' | 'unknown';
  rtt_ms: number | null;
  method: string | null;
  scan_id: string | null;
}

export interface ScansTable {
  id: string;
  /** JSON array of the target strings. */
  targets: string;
  status: 'queued' | 'running' | 'finished' | 'failed' | 'cancelled';
  requested_by: string | null;
  /** `host:pid` of the process running it, so a scan left `running` by a dead process can be recognised. */
  runner: string | null;
  /** JSON of the scan options actually used. */
  options: string;
  /** JSON summary: addresses, online, discovered, went_offline, ... */
  summary: string | null;
  error: string | null;
  created_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: 'admin' | 'viewer';
  /** SHA-256 of the secret (the secret is 256 random bits, so a fast hash is safe and lookups stay O(1)). */
  token_hash: string;
  /** First characters of the secret, to recognise it in `token list`. */
  prefix: string;
  created_at: Millis;
  last_used_at: Millis | null;
  revoked_at: Millis | null;
}

export interface EventsTable {
  id: string;
  type: string;
  time: Millis;
  sensor: string;
  src_ip: string | null;
  session: string | null;
  /** The whole event as JSON. */
  body: string;
}

/** Each area's tables live in `tables/<area>.ts`; this is their union. */
export interface Database extends SchedulerTables, NotifyTables, HoneynetTables, ThreatTables, DecisionTables {
  devices: DevicesTable;
  device_status_history: DeviceStatusHistoryTable;
  scans: ScansTable;
  api_tokens: ApiTokensTable;
  events: EventsTable;
  checks: ChecksTable;
  check_results: CheckResultsTable;
  check_rollups: CheckRollupsTable;
  lnmt_state: LnmtStateTable;
}

export type DeviceRow = Selectable<DevicesTable>;
export type HistoryRow = Selectable<DeviceStatusHistoryTable>;
export type ScanRow = Selectable<ScansTable>;
export type TokenRow = Selectable<ApiTokensTable>;
