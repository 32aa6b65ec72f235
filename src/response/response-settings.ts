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

/** Out of the box: high and critical detections ban for 4 h (doubling per repeat within 7 days, up to 30 days). */
const DEFAULT_POLICY: PolicyEntry[] = [{ minSeverity: 'high', action: 'ban' }];

/**
 * Resolves `response.*` (absent keys take defaults). Mistakes the schema cannot see — a duration that does not
 * parse, an allowlist entry that is not an address or CIDR — fail here naming the key.
 */
export function responseSettings(cfg: ResponseConfig | undefined): ResponseSettings {
  const c = cfg ?? {};
  const details: ErrorDetail[] = [];
  const dur = (where: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      details.push({ where, value: text, message: 'not a positive duration', allowed: 'a duration such as 30m, 4h or 7d' });
      return fallback;
    }
    return ms;
  };
  const defaultDurationMs = dur('response.defaultDuration', c.defaultDuration, 4 * 3_600_000);
  const policy = (c.policy ?? DEFAULT_POLICY).map((p, i) => ({
    rules: p.rules ?? [],
    minSeverity: p.minSeverity ?? null,
    action: p.action,
    durationMs: dur(`response.policy[${i}].duration`, p.duration, defaultDurationMs),
  }));
  const e = c.escalation ?? {};
  const escalation = {
    multiplier: e.multiplier ?? 2,
    lookbackMs: dur('response.escalation.lookback', e.lookback, 7 * 86_400_000),
    maxDurationMs: dur('response.escalation.maxDuration', e.maxDuration, 30 * 86_400_000),
  };
  const allowlist: string[] = [];
  (c.allowlist ?? []).forEach((text, i) => {
    const t = parseTarget(text);
    if (!t) details.push({ where: `response.allowlist[${i}]`, value: text, message: 'not an IP address or CIDR', allowed: 'an IPv4/IPv6 address or network, e.g. 192.0.2.7 or 10.0.0.0/8' });
    else allowlist.push(t.target);
  });
  if (details.length > 0) throw new LnmtError('LNMT_ERR_CONFIG', `invalid response settings (${details.length} problem${details.length > 1 ? 's' : ''})`, { details });
  const en = c.enforce ?? {};
  return {
    enabled: c.enabled ?? true,
    defaultDurationMs,
    policy,
    escalation,
    allowlist,
    allowlistOwnNetworks: c.allowlistOwnNetworks ?? true,
    allowlistScanTargets: c.allowlistScanTargets ?? true,
    sweepIntervalMs: c.sweepIntervalMs ?? 5_000,
    changeLogDays: c.changeLogDays ?? 7,
    enforce: { enabled: en.enabled ?? false, table: en.table ?? 'lnmt_response', set: en.set ?? 'banned', iface: en.iface ?? null, pollIntervalMs: en.pollIntervalMs ?? 1_000 },
  };
}
