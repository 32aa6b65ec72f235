/** An address as a number: IPv4 as an unsigned 32-bit integer, IPv6 as its high and low 64 bits. */
export type IpNumber = { family: 4; n: number } | { family: 6; hi: bigint; lo: bigint };

/**
 * `a.b.c.d` as an unsigned 32-bit integer, or null if it is not a dotted-quad IPv4 address (the same forms
 * `net.isIPv4` accepts: four decimal octets, no leading zeros). Hand-rolled: a database load parses ~1M of them.
 */
export function ipv4ToNumber(ip: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return null; // a leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else return null;
  }
  return dots === 3 && digits > 0 ? n * 256 + octet : null;
}

const MASK16 = 0xffffn;
/** Scratch space for `ipv6Groups` (one parse at a time: it is synchronous). */
const GROUPS = new Uint16Array(8);

/** An IPv6 address (any textual form, zone id ignored) as two 64-bit halves, or null if it is not one. */
export function ipv6ToHalves(ip: string): { hi: bigint; lo: bigint } | null {
  const zone = ip.indexOf('%');
  if (!ipv6Groups(zone >= 0 ? ip.slice(0, zone) : ip)) return null;
  return { hi: half(0), lo: half(4) };
}

/** Four groups of `GROUPS` from `at` as one 64-bit value. */
function half(at: number): bigint {
  const g = GROUPS;
  return (BigInt(g[at]! * 65536 + g[at + 1]!) << 32n) | BigInt(g[at + 2]! * 65536 + g[at + 3]!);
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * Fills `GROUPS` with the eight 16-bit groups of an IPv6 text (RFC 4291 §2.2: hex groups of 1-4 digits, at
 * most one `::` standing for one or more zero groups, and a dotted quad only as the last 32 bits); false if
 * it is not one. One pass over the characters: a database load parses ~400k of these.
 */
function ipv6Groups(text: string): boolean {
  const g = GROUPS;
  let n = 0; // groups written
  let gapAt = -1; // group index where `::` stands
  let value = 0;
  let digits = 0;
  let i = 0;
  const len = text.length;
  if (len < 2) return false;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false; // a lone leading ':'
    gapAt = 0;
    i = 2;
    if (i === len) {
      g.fill(0);
      return true;
    }
  }
  let groupStart = i;
  for (; i <= len; i++) {
    const c = i < len ? text.charCodeAt(i) : 58; // a virtual ':' ends the last group
    if (c === 58) {
      if (digits === 0) {
        // An empty group is only allowed as the second ':' of the one '::'.
        if (gapAt >= 0 || i === len || text.charCodeAt(i - 1) !== 58) return false;
        gapAt = n;
        groupStart = i + 1;
        if (i + 1 === len) break;
        continue;
      }
      if (n === 8) return false;
      g[n++] = value;
      value = 0;
      digits = 0;
      groupStart = i + 1;
    } else if (c === 46) {
      // A dotted quad: the rest of the text, and the last 32 bits.
      const v4 = ipv4ToNumber(text.slice(groupStart));
      if (v4 === null || n > 6) return false;
      g[n++] = v4 >>> 16;
      g[n++] = v4 & 0xffff;
      digits = 0;
      break;
    } else {
      const h = hexValue(c);
      if (h < 0 || ++digits > 4) return false;
      value = value * 16 + h;
    }
  }
  if (gapAt < 0) return n === 8;
  const fill = 8 - n;
  if (fill < 1) return false;
  g.copyWithin(gapAt + fill, gapAt, n);
  g.fill(0, gapAt, gapAt + fill);
  return true;
}

/**
 * Any address as a number. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as dual-stack sockets report IPv4
 * peers) is its IPv4 address, so it is found in the IPv4 ranges.
 */
export function ipToNumber(ip: string): IpNumber | null {
  const v4 = ipv4ToNumber(ip);
  if (v4 !== null) return { family: 4, n: v4 };
  const v6 = ipv6ToHalves(ip);
  if (!v6) return null;
  if (v6.hi === 0n && v6.lo >> 32n === MASK16) return { family: 4, n: Number(v6.lo & 0xffffffffn) };
  return { family: 6, ...v6 };
}
