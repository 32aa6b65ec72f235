import type { BlocklistFormat } from './blocklist-format.js';

/** ipset keeps timeouts in seconds up to this (about 24.8 days); longer bans are re-pulled before they lapse. */
export const IPSET_MAX_TIMEOUT = 2_147_483;

/**
 * `ipset restore` input: a hash:net set per family (created if missing, flushed), each element with its
 * remaining seconds. Permanent entries carry no timeout (the set's default is 0, i.e. none).
 */
export const ipsetFormat = {
  name: 'ipset',
  contentType: 'text/plain; charset=utf-8',
  description: 'ipset restore input: hash:net sets <set> (inet) and <set>6 (inet6) with per-element timeouts',
  render(entries, ctx) {
    const lines: string[] = [];
    for (const [family, set, name] of [[4, ctx.nft.set, 'inet'], [6, `${ctx.nft.set}6`, 'inet6']] as const) {
      lines.push(`create ${set} hash:net family ${name} hashsize 1024 maxelem 1048576 timeout 0 -exist`, `flush ${set}`);
      for (const e of entries) {
        if (e.family !== family) continue;
        if (e.expires_at === null) lines.push(`add ${set} ${e.target} -exist`);
        else if (e.expires_at > ctx.now) lines.push(`add ${set} ${e.target} timeout ${Math.min(IPSET_MAX_TIMEOUT, Math.max(1, Math.ceil((e.expires_at - ctx.now) / 1000)))} -exist`);
      }
    }
    return `${lines.join('\n')}\n`;
  },
} satisfies BlocklistFormat;
