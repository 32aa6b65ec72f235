import type { Profile } from '../profile.js';
import type { ThreatEvent } from '../threat-event.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ThreatSeverity = (typeof SEVERITIES)[number];

/** What a rule reports when it fires; the engine adds severity, score, sensors and the device. */
export interface RuleMatch {
  summary: string;
  /** Ids of the events that made it fire (bounded by the engine). */
  evidence: string[];
}

/**
 * A rule instance from the rules file: sees each event of the types it declares (after the event was scored
 * on the source's profile) and says whether it fires. Per-source state lives in the matcher, bounded by LRU.
 */
export interface RuleMatcher {
  /** Event types it looks at; empty = all. */
  readonly types: readonly string[];
  observe(ev: ThreatEvent, profile: Profile, now: { halfLifeMs: number }): RuleMatch | null;
  /** Forget a source's window (after firing, so the next detection needs fresh evidence). */
  reset(src: string): void;
}

/** A parameter of a rule type, as the rules file spells it. */
export type ParamSpec =
  | { kind: 'int'; default: number; min: number; max: number; doc: string }
  | { kind: 'number'; default: number; min: number; max: number; doc: string }
  | { kind: 'duration'; default: number; min: number; max: number; doc: string }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'strings'; default: string[]; maxItems: number; doc: string }
  | { kind: 'patterns'; default: Array<{ name: string; regex: string }>; maxItems: number; doc: string };

export type ParamValue = number | boolean | string[] | Array<{ name: string; regex: RegExp }>;

/** Parsed parameters by name (the type's own specs say which kind each one is). */
export type Params = Record<string, ParamValue>;

/** Limits every matcher respects: per-source state is an LRU of this many sources. */
export interface MatcherLimits {
  maxSources: number;
}

/** One entry of the rule-type registry. */
export interface RuleType {
  name: string;
  description: string;
  defaultSeverity: ThreatSeverity;
  params: Record<string, ParamSpec>;
  create(params: Params, limits: MatcherLimits): RuleMatcher;
}

export function num(p: Params, key: string): number {
  return p[key] as number;
}
