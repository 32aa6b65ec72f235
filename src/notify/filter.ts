import type { ChannelFilter } from '../core/config/sections/notify.js';
import { LnmtError, type ErrorDetail } from '../core/errors.js';
import { SEVERITIES, severityRank, type Alert, type Severity } from './alert.js';
import { DEVICE_REF_ALLOWED, deviceInSet, parseDeviceSet, type DeviceSet } from './device-match.js';

export type { ChannelFilter };

/** A channel filter made ready to test alerts quickly. */
export interface CompiledFilter {
  accepts(alert: Alert): boolean;
}

/** `check.*` → prefix, `*` → everything, anything else exact. */
export function eventTypeMatcher(patterns: readonly string[]): (type: string) => boolean {
  if (patterns.length === 0 || patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.endsWith('.*')));
  const prefixes = patterns.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
  return (type) => exact.has(type) || prefixes.some((p) => type.startsWith(p));
}

/**
 * Compiles a filter; every axis left empty lets everything through. Throws LNMT_ERR_VALIDATION naming
 * `filter.devices[i]` for a device entry that is not an id, IP or MAC.
 */
export function compileFilter(f: ChannelFilter | null | undefined): CompiledFilter {
  const events = eventTypeMatcher(f?.events ?? []);
  const min = f?.minSeverity ? severityRank(f.minSeverity) : 0;
  const devices: DeviceSet | null = f?.devices && f.devices.length > 0 ? parseDeviceSet(f.devices, (i) => `filter.devices[${i}]`) : null;
  const tags = f?.tags && f.tags.length > 0 ? new Set(f.tags) : null;
  return {
    accepts(alert) {
      if (alert.event && !events(alert.event.type)) return false;
      if (severityRank(alert.severity) < min) return false;
      if (devices && !deviceInSet(devices, alert.device)) return false;
      if (tags && !alert.tags.some((t) => tags.has(t))) return false;
      return true;
    },
  };
}

const EVENT_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

/**
 * Checks a filter given as plain data (CLI flags, a stored row) the way the API schema does, then compiles it
 * once to check the device entries. Details name `filter.<field>`.
 */
export function checkFilter(raw: unknown): ChannelFilter {
  const details: ErrorDetail[] = [];
  const f = (raw ?? {}) as Record<string, unknown>;
  if (typeof f !== 'object' || Array.isArray(f)) {
    throw new LnmtError('LNMT_ERR_VALIDATION', 'invalid channel filter', { details: [{ where: 'filter', value: raw, message: 'not an object', allowed: 'an object with events, minSeverity, devices, tags' }] });
  }
  const out: ChannelFilter = {};
  const list = (key: 'events' | 'devices' | 'tags', max: number, ok: (s: string) => boolean, allowed: string) => {
    const v = f[key];
    if (v === undefined || v === null) return;
    if (!Array.isArray(v) || v.length > max) return void details.push({ where: `filter.${key}`, value: v, message: 'invalid value', allowed: `a list of at most ${max} entries: ${allowed}` });
    v.forEach((s, i) => {
      if (typeof s !== 'string' || !ok(s)) details.push({ where: `filter.${key}[${i}]`, value: s, message: 'invalid entry', allowed });
    });
    out[key] = v as string[];
  };
  list('events', 64, (s) => EVENT_PATTERN.test(s), 'event types like device.discovered, check.* or *');
  list('devices', 1000, (s) => s.length > 0 && s.length <= 64, DEVICE_REF_ALLOWED);
  list('tags', 64, (s) => s.length > 0 && s.length <= 64, 'tags of 1 to 64 characters');
  if (f.minSeverity !== undefined && f.minSeverity !== null) {
    if (typeof f.minSeverity === 'string' && (SEVERITIES as readonly string[]).includes(f.minSeverity)) out.minSeverity = f.minSeverity as Severity;
    else details.push({ where: 'filter.minSeverity', value: f.minSeverity, message: 'not a severity', allowed: `one of ${SEVERITIES.join(', ')}` });
  }
  for (const k of Object.keys(f)) {
    if (!['events', 'devices', 'tags', 'minSeverity'].includes(k)) details.push({ where: `filter.${k}`, message: 'unknown field', allowed: 'events, minSeverity, devices, tags' });
  }
  if (details.length > 0) throw new LnmtError('LNMT_ERR_VALIDATION', `invalid channel filter: ${details.map((d) => d.where).join(', ')}`, { details });
  compileFilter(out);
  return out;
}
