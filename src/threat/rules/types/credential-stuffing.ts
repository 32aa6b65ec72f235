import { DistinctWindows } from '../windows.js';
import { num, type RuleType } from '../rule-type.js';

/** Many distinct usernames from one source within T: a list of stolen credentials being tried. */
export const credentialStuffingRule = {
  name: 'credential_stuffing',
  description: 'a source tries N distinct usernames within a window',
  defaultSeverity: 'high',
  params: {
    threshold: { kind: 'int', default: 10, min: 2, max: 1_000_000, doc: 'distinct usernames' },
    window: { kind: 'duration', default: 600_000, min: 1, max: 7 * 86_400_000, doc: 'time window' },
  },
  create(p, limits) {
    const win = new DistinctWindows(num(p, 'window'), num(p, 'threshold'), limits.maxSources);
    return {
      types: ['honeypot.auth'],
      observe(ev) {
        if (ev.username === null) return null;
        const hit = win.add(ev.src, ev.username, ev.time, ev.id);
        return hit ? { summary: `${ev.src} tried ${hit.values.length} distinct usernames (${hit.values.slice(0, 5).join(', ')}${hit.values.length > 5 ? ', ...' : ''})`, evidence: hit.ids } : null;
      },
      reset: (src) => win.reset(src),
    };
  },
} satisfies RuleType;
