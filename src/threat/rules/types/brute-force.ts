import { CountWindows } from '../windows.js';
import { num, type RuleType } from '../rule-type.js';

/** N login attempts by one source within T. */
export const bruteForceRule = {
  name: 'brute_force',
  description: 'a source makes N login attempts within a window',
  defaultSeverity: 'high',
  params: {
    threshold: { kind: 'int', default: 10, min: 1, max: 1_000_000, doc: 'login attempts' },
    window: { kind: 'duration', default: 60_000, min: 1, max: 7 * 86_400_000, doc: 'time window' },
  },
  create(p, limits) {
    const win = new CountWindows(num(p, 'window'), num(p, 'threshold'), limits.maxSources);
    return {
      types: ['honeypot.auth'],
      observe(ev) {
        const ids = win.add(ev.src, ev.time, ev.id);
        return ids ? { summary: `${ev.src} made ${ids.length} login attempts on ${ev.service ?? 'a honeypot'}`, evidence: ids } : null;
      },
      reset: (src) => win.reset(src),
    };
  },
} satisfies RuleType;
