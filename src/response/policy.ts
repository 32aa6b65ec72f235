import type { EventPayloads } from '../core/events.js';
import { THREAT_SEVERITIES, type ThreatSeverity } from './decision.js';
import type { ResolvedPolicy } from './response-settings.js';

/** What a detection becomes under `response.policy`: the first entry whose rule and severity match. */
export function matchPolicy(policy: readonly ResolvedPolicy[], d: Pick<EventPayloads['threat.detected'], 'rule' | 'severity'>): ResolvedPolicy | null {
  for (const p of policy) {
    if (p.minSeverity && rank(d.severity) < rank(p.minSeverity)) continue;
    if (p.rules.length > 0 && !p.rules.some((r) => ruleMatches(r, d.rule))) continue;
    return p;
  }
  return null;
}

function rank(s: ThreatSeverity): number {
  return THREAT_SEVERITIES.indexOf(s);
}

/** `ssh-bruteforce` exact, `ssh-*` prefix, `*` any. */
export function ruleMatches(pattern: string, rule: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return rule.startsWith(pattern.slice(0, -1));
  return pattern === rule;
}
