import type { Kysely } from 'kysely';
import type { NotifyConfig } from '../core/config/sections/notify.js';
import { LnmtError } from '../core/errors.js';
import type { Database } from '../store/schema.js';
import { deviceInSet, parseDeviceSet } from './device-match.js';
import type { RuleContext } from './rules/rule.js';

const TAGS_TTL_MS = 60_000;
const TAGS_MAX = 10_000;

/**
 * The lookups rules may make, backed by the store: a check's tags (cached a minute, so a flood of results costs
 * one query per check per minute) and the tracked devices of `notify.trackedDevices`.
 */
export function storeRuleContext(db: Kysely<Database>, config: NotifyConfig, now: () => number = Date.now): RuleContext {
  let tracked;
  try {
    tracked = parseDeviceSet(config.trackedDevices, (i) => `notify.trackedDevices[${i}]`);
  } catch (err) {
    const e = err as LnmtError;
    throw new LnmtError('LNMT_ERR_CONFIG', `invalid notify.trackedDevices: ${e.message}`, { details: e.details });
  }
  const cache = new Map<string, { tags: string[]; at: number }>();
  return {
    async checkTags(id) {
      const hit = cache.get(id);
      if (hit && now() - hit.at < TAGS_TTL_MS) return hit.tags;
      const row = await db.selectFrom('checks').select('tags').where('id', '=', id).executeTakeFirst();
      const tags = row ? parseTags(row.tags) : [];
      if (cache.size >= TAGS_MAX) cache.clear();
      cache.set(id, { tags, at: now() });
      return tags;
    },
    isTracked: (device) => deviceInSet(tracked, device),
  };
}

function parseTags(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
