import type { BlocklistEntry } from '../decision.js';
import { isHost, parseTarget } from '../target.js';

/** Where bans live in nftables: `table inet <table>`, IPv4 set `<set>`, IPv6 set `<set>6`. */
export interface NftTarget {
  table: string;
  set: string;
  /** Only traffic arriving on this interface is dropped. */
  iface?: string | null;
}

export const ELEMENTS_PER_LINE = 8;

/** `1.2.3.4 timeout 3600s`: the remaining time, rounded up so the kernel never frees an element early. */
export function nftElement(e: Pick<BlocklistEntry, 'target' | 'expires_at'>, now: number): string {
  if (e.expires_at === null) return e.target;
  return `${e.target} timeout ${Math.max(1, Math.ceil((e.expires_at - now) / 1000))}s`;
}

/**
 * What can go into an interval set at once: expired entries dropped, duplicates dropped, and entries inside a
 * wider banned network dropped (nftables refuses overlapping intervals, and the network drops them anyway).
 */
export function collapse(entries: readonly BlocklistEntry[], now: number): BlocklistEntry[] {
  const live = entries.filter((e) => e.expires_at === null || e.expires_at > now);
  const seen = new Set<string>();
  const unique = live.filter((e) => !seen.has(e.target) && seen.add(e.target));
  // Host addresses never overlap one another: the sort below is only needed when a network is banned.
  if (!unique.some((e) => e.target.includes('/'))) return unique;
  const keyed = unique.map((e) => ({ e, t: parseTarget(e.target)! })).sort((a, b) => (a.t.lo < b.t.lo ? -1 : a.t.lo > b.t.lo ? 1 : a.t.hi > b.t.hi ? -1 : 1));
  const out: BlocklistEntry[] = [];
  let hi = '';
  for (const { e, t } of keyed) {
    if (out.length > 0 && t.hi <= hi) continue;
    out.push(e);
    hi = t.hi;
  }
  return out;
}

function elementBlocks(verb: 'add' | 'delete', n: NftTarget, entries: readonly BlocklistEntry[], now: number, withTimeout: boolean): string[] {
  const lines: string[] = [];
  for (const [family, set] of [[4, n.set], [6, `${n.set}6`]] as const) {
    const els = entries.filter((e) => e.family === family).map((e) => (withTimeout ? nftElement(e, now) : e.target));
    if (els.length === 0) continue; // `{ }` is a syntax error
    const rows: string[] = [];
    for (let i = 0; i < els.length; i += ELEMENTS_PER_LINE) rows.push(`  ${els.slice(i, i + ELEMENTS_PER_LINE).join(', ')}`);
    lines.push(`${verb} element inet ${n.table} ${set} {\n${rows.join(',\n')}\n}`);
  }
  return lines;
}

/**
 * A complete `nft -f` script: replaces `table inet <table>` (sets, drop rules on input and forward, every
 * element with its remaining time) in one transaction, so the set is never seen empty or half-filled.
 */
export function nftTableScript(n: NftTarget, entries: readonly BlocklistEntry[], now: number, header: string[] = []): string {
  const on = n.iface ? `iifname ${JSON.stringify(n.iface)} ` : '';
  const rules = [`${on}ip saddr @${n.set} drop`, `${on}ip6 saddr @${n.set}6 drop`];
  return [
    '#!/usr/sbin/nft -f',
    ...header.map((h) => `# ${h}`),
    `table inet ${n.table}`,
    `delete table inet ${n.table}`,
    `table inet ${n.table} {`,
    `  set ${n.set} { type ipv4_addr; flags interval, timeout; }`,
    `  set ${n.set}6 { type ipv6_addr; flags interval, timeout; }`,
    '  chain input {',
    '    type filter hook input priority filter - 10; policy accept;',
    ...rules.map((r) => `    ${r}`),
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter - 10; policy accept;',
    ...rules.map((r) => `    ${r}`),
    '  }',
    '}',
    ...elementBlocks('add', n, collapse(entries, now), now, true),
    '',
  ].join('\n');
}

/**
 * Incremental changes as one transaction. Additions are added, deleted and added again so an element already
 * present gets its new timeout; removals are added (without timeout) and deleted, so removing an element the
 * kernel already timed out is not an error. Overlaps with a banned network make nft fail: the caller then
 * loads the whole table instead.
 */
export function nftChangeScript(n: NftTarget, adds: readonly BlocklistEntry[], removes: readonly BlocklistEntry[], now: number): string {
  const a = adds.filter((e) => e.expires_at === null || e.expires_at > now);
  return [
    ...elementBlocks('add', n, [...a, ...removes], now, false),
    ...elementBlocks('delete', n, [...a, ...removes], now, false),
    ...elementBlocks('add', n, a, now, true),
    '',
  ].join('\n');
}

/** Whether a removal can be applied incrementally (a removed network may have hidden hosts that must come back). */
export function removableIncrementally(e: Pick<BlocklistEntry, 'target' | 'family'>): boolean {
  const t = parseTarget(e.target);
  return t !== null && isHost(t);
}
