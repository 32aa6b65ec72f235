import ipaddr from 'ipaddr.js';

/** Canonical text form: IPv4 dotted quad, IPv6 RFC 5952 (lower-case, compressed); IPv4-mapped IPv6 → IPv4. */
export function normalizeIp(ip: string): string | null {
  if (!ipaddr.isValid(ip)) return null;
  let a = ipaddr.parse(ip);
  // ipaddr.js accepts legacy forms like "10.1" and reads a leading zero as octal ("010.0.0.1" is 8.0.0.1, the
  // netmask CVE-2021-28918 trap); only the plain dotted quad without leading zeros is accepted here. The check
  // is on the input as typed, before an IPv4-mapped IPv6 address is turned into its IPv4 form.
  if (a.kind() === 'ipv4' && !/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(ip)) return null;
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  if (a.kind() === 'ipv4') return a.toString();
  return (a as ipaddr.IPv6).toRFC5952String();
}

export function ipVersion(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** 32 hex digits: the 128-bit value of the address, IPv4 mapped into ::ffff:0:0/96, so keys sort numerically. */
export function ipKey(ip: string): string {
  const a = ipaddr.parse(ip);
  const v6 = a.kind() === 'ipv4' ? (a as ipaddr.IPv4).toIPv4MappedAddress() : (a as ipaddr.IPv6);
  return v6.toByteArray().map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Inclusive [low, high] ip_key bounds of a CIDR, for index range scans. */
export function cidrKeyRange(cidr: string): [string, string] {
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  const v6 = addr.kind() === 'ipv4' ? (addr as ipaddr.IPv4).toIPv4MappedAddress() : (addr as ipaddr.IPv6);
  const prefix = addr.kind() === 'ipv4' ? bits + 96 : bits;
  const bytes = v6.toByteArray();
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    lo.push(bytes[i]! & mask);
    hi.push((bytes[i]! & mask) | (~mask & 0xff));
  }
  const hex = (b: number[]) => b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return [hex(lo), hex(hi)];
}

/** IPv4 address as an unsigned 32-bit integer. */
export function ipv4ToInt(ip: string): number {
  const p = ip.split('.');
  return ((+p[0]! << 24) >>> 0) + (+p[1]! << 16) + (+p[2]! << 8) + +p[3]!;
}

export function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/**
 * A CIDR as typed by a user, normalised (`10.0.0.7/24` → `10.0.0.0/24`), or null when it is not one. The
 * address part goes through `normalizeIp`, so legacy forms (`010.0.0.0/8`, read as octal elsewhere) are refused.
 */
export function parseSubnet(text: string): string | null {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) return null;
  const ip = normalizeIp(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (!ip || bits > (ip.includes(':') ? 128 : 32)) return null;
  const [lo] = cidrKeyRange(`${ip}/${bits}`);
  const bytes = lo.match(/../g)!.map((h) => parseInt(h, 16));
  const base = ip.includes(':') ? ipaddr.fromByteArray(bytes).toString() : bytes.slice(12).join('.');
  return `${normalizeIp(base)}/${bits}`;
}

export const SUBNET_ALLOWED = 'an IPv4 or IPv6 network in CIDR form, e.g. 192.168.1.0/24 or fd00::/64';
