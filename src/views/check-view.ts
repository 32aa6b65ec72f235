/** A health check as users see it, in the API and the CLI's JSON: times in ISO 8601, intervals in seconds. */
import type { CheckState } from '../core/events.js';
import type { CheckResultRow, CheckRow } from '../store/tables/monitor.js';

export interface CheckView {
  id: string;
  name: string;
  type: string;
  target: string;
  device_id: number | null;
  params: Record<string, unknown>;
  interval_sec: number;
  timeout_ms: number;
  retries: number;
  flap_threshold: number;
  flap_window_sec: number;
  enabled: boolean;
  tags: string[];
  state: CheckState;
  state_since: string | null;
  flapping: boolean;
  last_run_at: string | null;
  last_ok: boolean | null;
  last_latency_ms: number | null;
  last_message: string | null;
  created_at: string;
  updated_at: string;
  /** Uptime % over the last 24 h from the aggregates, when the caller asked for it. */
  uptime_24h?: number | null;
}

export interface CheckResultView {
  time: string;
  ok: boolean;
  latency_ms: number | null;
  message: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function checkView(r: CheckRow, uptime24h?: number | null): CheckView {
  const v: CheckView = {
    id: r.id,
    name: r.name,
    type: r.type,
    target: r.target,
    device_id: r.device_id === null ? null : Number(r.device_id),
    params: JSON.parse(r.params) as Record<string, unknown>,
    interval_sec: Number(r.interval_ms) / 1000,
    timeout_ms: Number(r.timeout_ms),
    retries: Number(r.retries),
    flap_threshold: Number(r.flap_threshold),
    flap_window_sec: Number(r.flap_window_ms) / 1000,
    enabled: Number(r.enabled) === 1,
    tags: JSON.parse(r.tags) as string[],
    state: r.state,
    state_since: iso(r.state_since),
    flapping: Number(r.flapping) === 1,
    last_run_at: iso(r.last_run_at),
    last_ok: r.last_ok === null ? null : Number(r.last_ok) === 1,
    last_latency_ms: r.last_latency_ms === null ? null : Number(r.last_latency_ms),
    last_message: r.last_message,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  };
  if (uptime24h !== undefined) v.uptime_24h = uptime24h;
  return v;
}

export function checkResultView(r: CheckResultRow): CheckResultView {
  return { time: iso(r.time)!, ok: Number(r.ok) === 1, latency_ms: r.latency_ms === null ? null : Number(r.latency_ms), message: r.message };
}
