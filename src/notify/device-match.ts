import { LnmtError, type ErrorDetail } from '../core/errors.js';
import type { DeviceRef } from '../core/events.js';
import { normalizeIp } from '../core/ip.js';
import { normalizeMac } from '../inventory/oui.js';

export const DEVICE_REF_ALLOWED = 'a device id (number), an IP address or a MAC address';

/** Device ids, IPs and MACs from a list, normalised; `where(i)` names each entry in errors. */
export interface DeviceSet {
  ids: Set<number>;
  ips: Set<string>;
  macs: Set<string>;
  size: number;
}

export function parseDeviceSet(entries: readonly string[], where: (i: number) => string): DeviceSet {
  const set: DeviceSet = { ids: new Set(), ips: new Set(), macs: new Set(), size: entries.length };
  const details: ErrorDetail[] = [];
  entries.forEach((e, i) => {
    if (/^\d{1,15}$/.test(e)) return void set.ids.add(Number(e));
    const ip = normalizeIp(e);
    if (ip) return void set.ips.add(ip);
    const mac = normalizeMac(e);
    if (mac) return void set.macs.add(mac);
    details.push({ where: where(i), value: e, message: 'not a device id, IP or MAC', allowed: DEVICE_REF_ALLOWED });
  });
  if (details.length > 0) throw new LnmtError('LNMT_ERR_VALIDATION', `invalid device reference${details.length > 1 ? 's' : ''}: ${details.map((d) => d.where).join(', ')}`, { details });
  return set;
}

export function deviceInSet(set: DeviceSet, d: DeviceRef | null): boolean {
  if (!d) return false;
  return set.ids.has(d.id) || set.ips.has(d.ip) || (d.mac !== null && set.macs.has(d.mac));
}
