import type { RuleType } from '../rule-type.js';

/** A planted canary credential, URL or file was used: nobody legitimate knows it. */
export const canaryUseRule = {
  name: 'canary_use',
  description: 'a planted canary credential, URL or file was used',
  defaultSeverity: 'critical',
  params: {},
  create() {
    return {
      types: ['canary.used'],
      observe(ev) {
        const d = ev.raw.data as { kind?: string; canary_id?: string; service?: string };
        return { summary: `${ev.src} used canary ${d.kind ?? ''} ${d.canary_id ?? ''}${d.service ? ` on ${d.service}` : ''}`.replace(/\s+/g, ' '), evidence: [ev.id] };
      },
      reset() {},
    };
  },
} satisfies RuleType;
