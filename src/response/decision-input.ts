import { LnmtError } from '../core/errors.js';
import { parseDuration } from '../scheduler/duration.js';

export const DURATION_INPUT_ALLOWED = 'a duration such as 30m, 4h or 7d (units ms, s, m, h, d), or "permanent"';

/** `4h` → ms, `permanent` → null, absent → undefined (the default, escalated). Errors name `where`. */
export function parseDecisionDuration(text: string | undefined, where: string): number | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'permanent') return null;
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new LnmtError('LNMT_ERR_VALIDATION', `${where}: not a duration`, { details: [{ where, value: text, message: 'not a positive duration', allowed: DURATION_INPUT_ALLOWED }] });
  return ms;
}

/** A decision as the API and `--json` print it (ISO times). */
export function decisionView(d: import('./decision.js').Decision) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { ...d, created_at: iso(d.created_at)!, expires_at: iso(d.expires_at), removed_at: iso(d.removed_at) };
}
