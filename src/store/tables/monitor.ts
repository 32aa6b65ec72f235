import type { Generated, Selectable } from 'kysely';

type Millis = number;

export interface ChecksTable {
  /** UUIDv7. */
  id: string;
  /** Unique, so the CLI can address a check by name. */
  name: string;
  /** A key of the check-type registry (`icmp`, `tcp`, `http`, `dns`, `presence`). */
  type: string;
  /** Host, host:port, URL or device id, as the type's `normalizeTarget` returned it. */
  target: string;
  device_id: number | null;
  /** JSON of the type's parameters (defaults applied). */
  params: string;
  interval_ms: number;
  timeout_ms: number;
  retries: number;
  flap_threshold: number;
  flap_window_ms: number;
  enabled: number;
  /** JSON array of strings. */
  tags: string;
  state: 'up' | 'down' | 'unknown';
  state_since: Millis | null;
  /** Consecutive results agreeing with the latest one (negative = failures). */
  streak: number;
  flapping: number;
  last_run_at: Millis | null;
  last_ok: number | null;
  last_latency_ms: number | null;
  last_message: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Raw results, kept `monitor.retention.rawDays`. */
export interface CheckResultsTable {
  id: Generated<number>;
  check_id: string;
  time: Millis;
  ok: number;
  latency_ms: number | null;
  message: string | null;
}

/**
 * Aggregates per check and bucket: `step` is `m` (minute), `h` (hour) or `d` (day, UTC). Uptime and latency over
 * any window are sums over these rows, never a scan of raw results.
 */
export interface CheckRollupsTable {
  step: 'm' | 'h' | 'd';
  bucket: Millis;
  check_id: string;
  up: number;
  down: number;
  lat_count: number;
  lat_sum: number;
  lat_min: number | null;
  lat_max: number | null;
  lat_p95: number | null;
  /** Sparse latency histogram (`index:count,...`, log-scale buckets) so coarser buckets can merge p95. */
  lat_hist: string;
}

/** Small named values that must survive restarts (e.g. the rollup watermark). */
export interface LnmtStateTable {
  key: string;
  value: string;
  updated_at: Millis;
}

export type CheckRow = Selectable<ChecksTable>;
export type CheckResultRow = Selectable<CheckResultsTable>;
export type CheckRollupRow = Selectable<CheckRollupsTable>;
