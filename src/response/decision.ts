/** The vocabulary of decisions, shared by the service, the store, the exporters, the API and the CLI. */

export const DECISION_ACTIONS = ['ban', 'tag'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export const DECISION_ORIGINS = ['rule', 'manual', 'api'] as const;
export type DecisionOrigin = (typeof DECISION_ORIGINS)[number];

export type RemovalReason = 'expired' | 'manual' | 'replaced';

export const THREAT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ThreatSeverity = (typeof THREAT_SEVERITIES)[number];

/** A decision as the service hands it out (times in epoch ms). */
export interface Decision {
  id: string;
  target: string;
  family: 4 | 6;
  action: DecisionAction;
  reason: string;
  origin: DecisionOrigin;
  rule: string | null;
  escalation: number;
  created_at: number;
  /** Null: permanent. */
  expires_at: number | null;
  removed_at: number | null;
  removed_reason: RemovalReason | null;
}

/** What a blocklist holds for one banned target. */
export interface BlocklistEntry {
  id: string;
  target: string;
  family: 4 | 6;
  reason: string;
  origin: DecisionOrigin;
  rule: string | null;
  created_at: number;
  expires_at: number | null;
}

export function isActive(d: Pick<Decision, 'removed_at' | 'expires_at'>, now: number): boolean {
  return d.removed_at === null && (d.expires_at === null || d.expires_at > now);
}
