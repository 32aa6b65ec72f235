import { cidrKeyRange, normalizeIp, parseSubnet } from '../core/ip.js';

/** A decision target: one address or a network, normalised, with its 128-bit key range (IPv4 mapped). */
export interface Target {
  /** `192.0.2.7`, `10.0.0.0/24`, `2001:db8::/48`; a full-length prefix is written as the bare address. */
  target: string;
  family: 4 | 6;
  prefix: number;
  /** Inclusive ip_key bounds (32 hex digits each), so overlap is two string comparisons. */
  lo: string;
  hi: string;
}

/** Shortest prefixes a decision may name: a ban wider than this is almost certainly a typo. */
export const MIN_PREFIX = { 4: 8, 6: 16 } as const;

export const TARGET_ALLOWED = 'an IPv4/IPv6 address or CIDR, e.g. 203.0.113.7, 198.51.100.0/24 or 2001:db8::/48';

/** Parses an address or CIDR as typed; null when it is neither. */
export function parseTarget(text: string): Target | null {
  const t = text.trim();
  let addr: string | null;
  let prefix: number;
  if (t.includes('/')) {
    const net = parseSubnet(t);
    if (!net) return null;
    const slash = net.indexOf('/');
    addr = net.slice(0, slash);
    prefix = Number(net.slice(slash + 1));
  } else {
    addr = normalizeIp(t);
    if (!addr) return null;
    prefix = addr.includes(':') ? 128 : 32;
  }
  const family = addr.includes(':') ? 6 : 4;
  const full = family === 4 ? 32 : 128;
  const [lo, hi] = cidrKeyRange(`${addr}/${prefix}`);
  return { target: prefix === full ? addr : `${addr}/${prefix}`, family, prefix, lo, hi };
}

export function overlaps(a: Pick<Target, 'lo' | 'hi'>, b: Pick<Target, 'lo' | 'hi'>): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

export function isHost(t: Pick<Target, 'family' | 'prefix'>): boolean {
  return t.prefix === (t.family === 4 ? 32 : 128);
}
