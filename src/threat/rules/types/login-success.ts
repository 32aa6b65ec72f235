import type { RuleType } from '../rule-type.js';

/** A login on a honeypot succeeded: the attacker now believes it owns a shell. */
export const loginSuccessRule = {
  name: 'login_success',
  description: 'a login attempt on a honeypot succeeded',
  defaultSeverity: 'high',
  params: {},
  create() {
    return {
      types: ['honeypot.auth'],
      observe(ev) {
        if (!ev.success) return null;
        return { summary: `${ev.src} logged in to ${ev.service ?? 'a honeypot'} as ${ev.username ?? '?'}`, evidence: [ev.id] };
      },
      reset() {},
    };
  },
} satisfies RuleType;
