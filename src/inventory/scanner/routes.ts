import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { ipKey, ipv4ToInt } from '../../core/ip.js';

/** An IPv4 route from /proc/net/route. */
interface Route {
  iface: string;
  dest: number;
  mask: number;
  gateway: number;
  prefix: number;
}

function le32(hex: string): number {
  // /proc/net/route prints addresses as little-endian hex.
  const n = parseInt(hex, 16);
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
}

export function readIpv4Routes(text?: string): Route[] {
  let body = text;
  if (body === undefined) {
    try {
      body = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return [];
    }
  }
  const out: Route[] = [];
  for (const line of body.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const mask = le32(f[7]!);
    out.push({ iface: f[0]!, dest: le32(f[1]!), gateway: le32(f[2]!), mask, prefix: popcount(mask) });
  }
  return out.sort((a, b) => b.prefix - a.prefix);
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x >>>= 1) c += x & 1;
  return c;
}

/** An on-link IPv6 prefix from /proc/net/ipv6_route (no gateway, not local, not reject, not multicast). */
interface Route6 {
  iface: string;
  dest: bigint;
  prefix: number;
}

const RTF_GATEWAY = 0x2;
const RTF_REJECT = 0x200;
const RTF_LOCAL = 0x80000000;

export function readIpv6OnLinkRoutes(text?: string): Route6[] {
  let body = text;
  if (body === undefined) {
    try {
      body = readFileSync('/proc/net/ipv6_route', 'utf8');
    } catch {
      return [];
    }
  }
  const out: Route6[] = [];
  for (const line of body.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const flags = parseInt(f[8]!, 16);
    const prefix = parseInt(f[1]!, 16);
    const iface = f[9]!;
    if (iface === 'lo' || flags & (RTF_GATEWAY | RTF_REJECT) || (flags & RTF_LOCAL) >>> 0 || prefix === 0 || prefix >= 128 || f[0]!.startsWith('ff')) continue;
    out.push({ iface, dest: BigInt(`0x${f[0]}`), prefix });
  }
  return out.sort((a, b) => b.prefix - a.prefix);
}

/**
 * Tells which IPv4 and IPv6 addresses are on a directly attached segment (route without a gateway): for those the
 * kernel resolves MACs with ARP, so the neighbour table proves liveness even when the host drops all IP.
 */
export class RouteTable {
  private readonly routes: Route[];
  private readonly routes6: Route6[];
  private readonly local: Set<string>;
  constructor(routes = readIpv4Routes(), localAddresses = ownAddresses(), routes6 = readIpv6OnLinkRoutes()) {
    this.routes = routes;
    this.routes6 = routes6;
    this.local = new Set(localAddresses);
  }

  /**
   * Interface of the on-link route for `ip`, or null when the address is routed via a gateway, unknown, or one
   * of this machine's own addresses (those never appear in the neighbour table).
   */
  onLinkIface(ip: string): string | null {
    if (this.local.has(ip)) return null;
    if (ip.includes(':')) {
      if (ip.startsWith('fe80:')) return null; // link-local needs a zone; not swept
      const n = BigInt(`0x${ipKey(ip)}`);
      for (const r of this.routes6) {
        const shift = BigInt(128 - r.prefix);
        if (n >> shift === r.dest >> shift) return r.iface;
      }
      return null;
    }
    const n = ipv4ToInt(ip);
    for (const r of this.routes) {
      if (((n & r.mask) >>> 0) === ((r.dest & r.mask) >>> 0)) return r.gateway === 0 && r.iface !== 'lo' ? r.iface : null;
    }
    return null;
  }
}

function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
}
