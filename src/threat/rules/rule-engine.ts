import { Lru } from '../lru.js';
import type { Profile } from '../profile.js';
import type { ThreatEvent } from '../threat-event.js';
import type { RuleDefinition } from './rule-definition.js';
import type { RuleMatch, RuleMatcher } from './rule-type.js';

interface ActiveRule {
  def: RuleDefinition;
  matcher: RuleMatcher;
  /** Last firing per source, for suppression. */
  fired: Lru<string, number>;
}

export interface RuleFiring {
  def: RuleDefinition;
  match: RuleMatch;
}

/** Largest evidence list a detection carries (the events table holds the rest of the timeline). */
export const MAX_EVIDENCE = 50;

/**
 * Runs every enabled rule on each event. A rule that fired for a source stays quiet for that source for its
 * `suppress` time and its window starts afresh, so one brute force is one detection per window, not one per
 * attempt. Rules are replaced as a whole on reload (windows of the old rules are dropped).
 */
export class RuleEngine {
  private rules: ActiveRule[] = [];
  private byType = new Map<string, ActiveRule[]>();
  private any: ActiveRule[] = [];

  constructor(defs: readonly RuleDefinition[], private readonly opts: { maxSources: number; halfLifeMs: number }) {
    this.replace(defs);
  }

  /** Forgets every window and suppression (the rules stay). */
  reset(): void {
    this.replace(this.definitions);
  }

  replace(defs: readonly RuleDefinition[]): void {
    this.rules = defs.filter((d) => d.enabled).map((def) => ({ def, matcher: def.type.create(def.params, { maxSources: this.opts.maxSources }), fired: new Lru<string, number>(this.opts.maxSources) }));
    this.byType = new Map();
    this.any = [];
    for (const r of this.rules) {
      if (r.matcher.types.length === 0) this.any.push(r);
      for (const t of r.matcher.types) {
        let list = this.byType.get(t);
        if (!list) this.byType.set(t, (list = []));
        list.push(r);
      }
    }
  }

  /**
   * How far back the rules look: the longest window (any duration parameter) or suppression of an enabled rule.
   * Events older than this cannot change what a rule does next, so a restart replays no more than that.
   */
  horizonMs(): number {
    let max = 0;
    for (const { def } of this.rules) {
      max = Math.max(max, def.suppressMs);
      for (const [key, spec] of Object.entries(def.type.params)) if ((spec as { kind: string }).kind === 'duration') max = Math.max(max, Number(def.params[key]) || 0);
    }
    return max;
  }

  get definitions(): RuleDefinition[] {
    return this.rules.map((r) => r.def);
  }

  /** Rules that fire on this event (after it was applied to the source's profile). */
  evaluate(ev: ThreatEvent, profile: Profile): RuleFiring[] {
    const out: RuleFiring[] = [];
    const typed = this.byType.get(ev.type);
    if (typed) for (const r of typed) this.run(r, ev, profile, out);
    for (const r of this.any) this.run(r, ev, profile, out);
    return out;
  }

  private run(r: ActiveRule, ev: ThreatEvent, profile: Profile, out: RuleFiring[]): void {
    const d = r.def;
    if (d.services && (ev.service === null || !d.services.includes(ev.service))) return;
    if (d.sensors && !d.sensors.includes(ev.sensor)) return;
    const match = r.matcher.observe(ev, profile, { halfLifeMs: this.opts.halfLifeMs });
    if (!match) return;
    r.matcher.reset(ev.src);
    const last = r.fired.get(ev.src);
    if (last !== undefined && ev.time - last < d.suppressMs && ev.time >= last) return;
    r.fired.set(ev.src, ev.time);
    out.push({ def: d, match: { summary: match.summary, evidence: match.evidence.slice(-MAX_EVIDENCE) } });
  }
}
