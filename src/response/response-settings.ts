import type { PolicyEntry, ResponseConfig } from '../core/config/sections/response.js';
import { LnmtError, type ErrorDetail } from '../core/errors.js';
import { parseDuration } from '../scheduler/duration.js';
import type { DecisionAction, ThreatSeverity } from './decision.js';
import { parseTarget } from './target.js';

/** A policy entry resolved: what a detection of a rule / severity becomes. */
export interface ResolvedPolicy {
  rules: string[];
  minSeverity: ThreatSeverity | null;
  action: DecisionAction | 'none';
  durationMs: number;
}

/** `response.*` with every default filled in and durations in milliseconds. */
export interface ResponseSettings {
  enabled: boolean;
  defaultDurationMs: number;
  policy: ResolvedPolicy[];
  escalation: { multiplier: number; lookbackMs: number; maxDurationMs: number };
  allowlist: string[];
  allowlistOwnNetworks: boolean;
  allowlistScanTargets: boolean;
  sweepIntervalMs: number;
  changeLogDays: number;
  enforce: { enabled: boolean; table: string; set: string; iface: string | null; pollIntervalMs: number };
}

/**
 * `response.*` as it is when nothing is configured, in the config file's own form (what `lnmt config show`
 * prints). Out of the box: high and critical detections ban for 4 h, doubling per repeat within 7 days, up to
 * 30 days; enforcement is off.
 */
export const RESPONSE_DEFAULTS = {
  enabled: true as boolean,
  defaultDuration: '4h',
  policy: [{ minSeverity: 'high', action: 'ban' }] as PolicyEntry[],
  escalation: { multiplier: 2, lookback: '7d', maxDuration: '30d' },
  allowlist: [] as string[],
  allowlistOwnNetworks: true as boolean,
  allowlistScanTargets: true as boolean,
  sweepIntervalMs: 5_000,
  changeLogDays: 7,
  enforce: { enabled: false as boolean, table: 'lnmt_response', set: 'banned', pollIntervalMs: 1_000 },
} satisfies ResponseConfig;

/** The configured `response.*` with every absent key taken from the defaults (config form). */
export function effectiveResponseConfig(cfg: ResponseConfig | undefined): ResponseConfig & typeof RESPONSE_DEFAULTS {
  const c = cfg ?? {};
  const d = RESPONSE_DEFAULTS;
  return {
    ...d,
    ...c,
    policy: c.policy ?? d.policy,
    escalation: { ...d.escalation, ...c.escalation },
    allowlist: c.allowlist ?? d.allowlist,
    enforce: { ...d.enforce, ...c.enforce },
  };
}

/**
 * Resolves `response.*` (absent keys take `RESPONSE_DEFAULTS`). Mistakes the schema cannot see — a duration
 * that does not parse, an allowlist entry that is not an address or CIDR — fail here naming the key.
 */
export function responseSettings(cfg: ResponseConfig | undefined): ResponseSettings {
  const c = effectiveResponseConfig(cfg);
  const details: ErrorDetail[] = [];
  const dur = (where: string, text: string): number => {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      details.push({ where, value: text, message: 'not a positive duration', allowed: 'a duration such as 30m, 4h or 7d' });
      return 1;
    }
    return ms;
  };
  const defaultDurationMs = dur('response.defaultDuration', c.defaultDuration);
  const policy = c.policy.map((p, i) => ({
    rules: p.rules ?? [],
    minSeverity: p.minSeverity ?? null,
    action: p.action,
    durationMs: p.duration === undefined ? defaultDurationMs : dur(`response.policy[${i}].duration`, p.duration),
  }));
  const e = c.escalation;
  const escalation = {
    multiplier: e.multiplier,
    lookbackMs: dur('response.escalation.lookback', e.lookback),
    maxDurationMs: dur('response.escalation.maxDuration', e.maxDuration),
  };
  const allowlist: string[] = [];
  c.allowlist.forEach((text, i) => {
    const t = parseTarget(text);
    if (!t) details.push({ where: `response.allowlist[${i}]`, value: text, message: 'not an IP address or CIDR', allowed: 'an IPv4/IPv6 address or network, e.g. 192.0.2.7 or 10.0.0.0/8' });
    else allowlist.push(t.target);
  });
  if (details.length > 0) throw new LnmtError('LNMT_ERR_CONFIG', `invalid response settings (${details.length} problem${details.length > 1 ? 's' : ''})`, { details });
  const en = c.enforce;
  return {
    enabled: c.enabled,
    defaultDurationMs,
    policy,
    escalation,
    allowlist,
    allowlistOwnNetworks: c.allowlistOwnNetworks,
    allowlistScanTargets: c.allowlistScanTargets,
    sweepIntervalMs: c.sweepIntervalMs,
    changeLogDays: c.changeLogDays,
    enforce: { enabled: en.enabled, table: en.table, set: en.set, iface: en.iface ?? null, pollIntervalMs: en.pollIntervalMs },
  };
}
