import { DistinctWindows } from '../windows.js';
import { num, type RuleType } from '../rule-type.js';

/** N distinct ports (or decoys) touched by one source within T: a scan. */
export const portScanRule = {
  name: 'port_scan',
  description: 'a source connects to N distinct honeypot ports or decoys within a window',
  defaultSeverity: 'medium',
  params: {
    threshold: { kind: 'int', default: 10, min: 2, max: 65535, doc: 'distinct ports' },
    window: { kind: 'duration', default: 60_000, min: 1, max: 7 * 86_400_000, doc: 'time window' },
    decoysOnly: { kind: 'bool', default: false, doc: 'count only decoy ports' },
  },
  create(p, limits) {
    const win = new DistinctWindows(num(p, 'window'), num(p, 'threshold'), limits.maxSources);
    const decoysOnly = p.decoysOnly === true;
    return {
      types: ['honeypot.connect'],
      observe(ev) {
        const port = ev.decoy ?? (decoysOnly ? null : ev.dstPort);
        if (port === null) return null;
        const hit = win.add(ev.src, String(port), ev.time, ev.id);
        if (!hit) return null;
        const ports = hit.values.map(Number).sort((a, b) => a - b);
        return { summary: `${ev.src} probed ${ports.length} distinct ${decoysOnly ? 'decoy ' : ''}ports (${ports.slice(0, 12).join(', ')}${ports.length > 12 ? ', ...' : ''})`, evidence: hit.ids };
      },
      reset: (src) => win.reset(src),
    };
  },
} satisfies RuleType;
