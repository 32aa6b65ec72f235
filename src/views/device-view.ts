/**
 * A device as users see it, in the API and in the CLI's JSON and CSV: no internal keys (`ip_key`), flags as
 * booleans, times in ISO 8601.
 */
import type { DeviceStatus } from '../core/events.js';
import type { DeviceRow, HistoryRow } from '../store/schema.js';

export interface DeviceView {
  id: number;
  ip: string;
  mac: string | null;
  vendor: string | null;
  mac_private: boolean;
  hostname: string | null;
  name: string | null;
  notes: string | null;
  status: DeviceStatus;
  rtt_ms: number | null;
  method: string | null;
  source: string;
  first_seen: string | null;
  last_seen: string | null;
  last_checked: string | null;
  created_at: string;
  updated_at: string;
}

export interface HistoryView {
  time: string;
  status: DeviceStatus;
  rtt_ms: number | null;
  method: string | null;
  scan_id: string | null;
}

const DAY_MS = 86_400_000;
const P2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const P3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const dayPrefix = new Map<number, string>();

/**
 * Epoch milliseconds → `2026-08-01T12:34:56.789Z`, identical to `Date#toISOString()` but about 8x faster here
 * (a 100-device page has 500 timestamps: ~240 µs with toISOString on this machine, ~30 µs with this). The
 * date part is cached per day; the time part comes from lookup tables.
 */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    const full = new Date(day * DAY_MS).toISOString();
    // Years beyond 9999 change the format; let Date handle those rare values whole.
    if (full.length !== 24) return new Date(ms).toISOString();
    prefix = full.slice(0, 11);
    if (dayPrefix.size > 20_000) dayPrefix.clear();
    dayPrefix.set(day, prefix);
  }
  const h = (rest / 3_600_000) | 0;
  rest -= h * 3_600_000;
  const m = (rest / 60_000) | 0;
  rest -= m * 60_000;
  const s = (rest / 1000) | 0;
  rest -= s * 1000;
  return `${prefix}${P2[h]}:${P2[m]}:${P2[s]}.${P3[Math.floor(rest)]}Z`;
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : isoTime(ms);
}

export function deviceView(r: DeviceRow): DeviceView {
  return {
    id: r.id,
    ip: r.ip,
    mac: r.mac,
    vendor: r.vendor,
    mac_private: r.mac_private === 1,
    hostname: r.hostname,
    name: r.name,
    notes: r.notes,
    status: r.status,
    rtt_ms: r.rtt_ms,
    method: r.method,
    source: r.source,
    first_seen: isoOrNull(r.first_seen),
    last_seen: isoOrNull(r.last_seen),
    last_checked: isoOrNull(r.last_checked),
    created_at: isoTime(r.created_at),
    updated_at: isoTime(r.updated_at),
  };
}

export function historyView(h: HistoryRow): HistoryView {
  return { time: isoTime(h.time), status: h.status, rtt_ms: h.rtt_ms, method: h.method, scan_id: h.scan_id };
}
