import type { BlocklistEntry } from '../decision.js';
import type { BlocklistFormat } from './blocklist-format.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function entryJson(e: BlocklistEntry) {
  return { id: e.id, target: e.target, family: e.family, reason: e.reason, origin: e.origin, rule: e.rule, created_at: iso(e.created_at)!, expires_at: iso(e.expires_at) };
}

/** The entries with their reasons and expiry, and the cursor to continue from with `?since=`. */
export const jsonFormat = {
  name: 'json',
  contentType: 'application/json; charset=utf-8',
  description: 'JSON: {generated_at, cursor, count, items: [{id, target, family, reason, origin, rule, created_at, expires_at}]}',
  render: (entries, ctx) => JSON.stringify({ generated_at: iso(ctx.now), cursor: String(ctx.cursor), count: entries.length, items: entries.map(entryJson) }),
} satisfies BlocklistFormat;
