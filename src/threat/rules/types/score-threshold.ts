import { decayed } from '../../decay.js';
import { Lru } from '../../lru.js';
import { num, type RuleType } from '../rule-type.js';

/**
 * The source's decayed score reached a threshold. Fires on the crossing; it re-arms only after the score has
 * decayed back below the threshold, so a source hovering above it is one detection, not one per event.
 */
export const scoreThresholdRule = {
  name: 'score_threshold',
  description: "a source's decayed threat score reaches a threshold",
  defaultSeverity: 'medium',
  params: {
    threshold: { kind: 'number', default: 100, min: 0.001, max: 1e12, doc: 'score' },
  },
  create(p, limits) {
    const threshold = num(p, 'threshold');
    const above = new Lru<string, true>(limits.maxSources);
    return {
      types: [],
      observe(ev, profile, ctx) {
        const score = decayed(profile.score, ev.time, ctx.halfLifeMs);
        if (score < threshold) {
          above.delete(ev.src);
          return null;
        }
        if (above.has(ev.src)) return null;
        above.set(ev.src, true);
        return { summary: `${ev.src} reached a threat score of ${score.toFixed(1)} (threshold ${threshold})`, evidence: [ev.id] };
      },
      reset() {},
    };
  },
} satisfies RuleType;
