import type { DeviceRow, HistoryRow } from '../store/schema.js';
import { csvLine, isoTime } from './format.js';

/** A device as the CLI prints it in JSON and CSV: no internal keys, times in ISO 8601, flags as booleans. */
export interface DeviceView {
  id: number;
  ip: string;
  mac: string | null;
  vendor: string | null;
  mac_private: boolean;
  hostname: string | null;
  name: string | null;
  notes: string | null;
  status: DeviceRow['status'];
  rtt_ms: number | null;
  method: string | null;
  source: string;
  first_seen: string | null;
  last_seen: string | null;
  last_checked: string | null;
  created_at: string | null;
  updated_at: string | null;
}

/** CSV columns, in order (the header line of `devices list --csv` and `devices export`). */
export const DEVICE_COLUMNS = [
  'id', 'ip', 'mac', 'vendor', 'mac_private', 'hostname', 'name', 'notes', 'status', 'rtt_ms', 'method', 'source',
  'first_seen', 'last_seen', 'last_checked', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof DeviceView>;

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
    first_seen: isoTime(r.first_seen),
    last_seen: isoTime(r.last_seen),
    last_checked: isoTime(r.last_checked),
    created_at: isoTime(r.created_at),
    updated_at: isoTime(r.updated_at),
  };
}

export function historyView(h: HistoryRow): { time: string | null; status: string; rtt_ms: number | null; method: string | null; scan_id: string | null } {
  return { time: isoTime(h.time), status: h.status, rtt_ms: h.rtt_ms, method: h.method, scan_id: h.scan_id };
}

export const DEVICE_CSV_HEADER = csvLine(DEVICE_COLUMNS);

export function deviceCsv(r: DeviceRow): string {
  const v = deviceView(r);
  return csvLine(DEVICE_COLUMNS.map((c) => v[c]));
}
