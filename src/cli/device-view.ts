import { deviceView, historyView, type DeviceView } from '../views/device-view.js';
import type { DeviceRow } from '../store/schema.js';
import { csvLine } from './format.js';

export { deviceView, historyView };

/** CSV columns, in order (the header line of `devices list --csv` and `devices export`). */
export const DEVICE_COLUMNS = [
  'id', 'ip', 'mac', 'vendor', 'mac_private', 'hostname', 'name', 'notes', 'status', 'rtt_ms', 'method', 'source',
  'first_seen', 'last_seen', 'last_checked', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof DeviceView>;

export const DEVICE_CSV_HEADER = csvLine(DEVICE_COLUMNS);

export function deviceCsv(r: DeviceRow): string {
  const v = deviceView(r);
  return csvLine(DEVICE_COLUMNS.map((c) => v[c]));
}
