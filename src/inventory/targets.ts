import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { LnmtError, type ErrorDetail } from '../core/errors.js';
import { intToIpv4, ipv4ToInt, normalizeIp } from '../core/ip.js';

/** A parsed target list: IPv4 as merged integer ranges (a forced /8 is two numbers), IPv6 and names listed. */
export interface TargetSet {
  /** Sorted, non-overlapping inclusive ranges of IPv4 addresses as unsigned ints. */
  v4: Array<[number, number]>;
  v6: string[];
  /** Hostname → the addresses it resolved to (already included in v4/v6). */
  names: Map<string, string[]>;
  count: number;
}

export interface ParseTargetsOptions {
  /** Largest number of addresses accepted without `force`. */
  maxAddresses: number;
  force: boolean;
  /** Where the targets came from, for errors: `targets` (CLI args) or `body.targets` (API). */
  where?: string;
  resolve?: (name: string) => Promise<string[]>;
}

const ALLOWED = 'an IPv4 address, IPv4 CIDR (10.0.0.0/24), range (10.0.0.1-10.0.0.50 or 10.0.0.1-50), IPv6 address or CIDR (/112 or longer), or a hostname';
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** IPv6 networks are expanded only after the size guard passed: `size` is known, `expand()` builds the list. */
type Parsed = { kind: 'v4'; range: [number, number] } | { kind: 'v6'; size: number; expand: () => string[] } | { kind: 'name'; name: string };

/** IPv6 addresses a sweep may cover even with `force` (sixteen /112s): beyond that it is not a sweep any more. */
export const MAX_IPV6_ADDRESSES = 1_048_576;

/** Parses one target without resolving names. Throws a message describing the problem. */
export function parseTarget(raw: string): Parsed {
  const t = raw.trim();
  if (t === '') throw new Error('empty target');
  const slash = t.indexOf('/');
  if (slash >= 0) {
    const addr = t.slice(0, slash);
    const bitsText = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText)) throw new Error(`prefix length "${bitsText}" is not a number`);
    const bits = Number(bitsText);
    const ip = normalizeIp(addr);
    if (!ip) throw new Error(`"${addr}" is not an IP address`);
    if (!ip.includes(':')) {
      if (bits > 32) throw new Error(`IPv4 prefix length must be 0..32, got /${bits}`);
      const base = ipv4ToInt(ip);
      const size = 2 ** (32 - bits);
      const start = bits === 0 ? 0 : Math.floor(base / size) * size;
      const end = start + size - 1;
      // Network and broadcast addresses are not hosts, except in /31 and /32 (RFC 3021).
      return { kind: 'v4', range: bits >= 31 ? [start, end] : [start + 1, end - 1] };
    }
    if (bits > 128) throw new Error(`IPv6 prefix length must be 0..128, got /${bits}`);
    if (bits < 112) throw new Error(`IPv6 prefix /${bits} is too large to sweep (at most /112, 65,536 addresses); list addresses instead`);
    const net = ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${bits}`).toByteArray();
    const n = 2 ** (128 - bits);
    const expand = () => {
      const list: string[] = [];
      const baseLow = (net[14]! << 8) | net[15]!;
      for (let i = 0; i < n; i++) {
        const b = net.slice();
        const v = baseLow + i;
        b[14] = (v >> 8) & 0xff;
        b[15] = v & 0xff;
        list.push((ipaddr.fromByteArray(b) as ipaddr.IPv6).toRFC5952String());
      }
      return list;
    };
    return { kind: 'v6', size: n, expand };
  }
  const dash = t.indexOf('-');
  if (dash > 0 && /^[\d.]+-[\d.]+$/.test(t)) {
    const a = normalizeIp(t.slice(0, dash));
    if (!a) throw new Error(`range start "${t.slice(0, dash)}" is not an IPv4 address`);
    const tail = t.slice(dash + 1);
    let b: string | null;
    if (/^\d{1,3}$/.test(tail)) b = Number(tail) <= 255 ? `${a.split('.').slice(0, 3).join('.')}.${tail}` : null;
    else b = normalizeIp(tail);
    if (!b) throw new Error(`range end "${tail}" is not an IPv4 address or last octet`);
    const s = ipv4ToInt(a);
    const e = ipv4ToInt(b);
    if (e < s) throw new Error(`range end ${b} is before its start ${a}`);
    return { kind: 'v4', range: [s, e] };
  }
  const ip = normalizeIp(t);
  if (ip) return ip.includes(':') ? { kind: 'v6', size: 1, expand: () => [ip] } : { kind: 'v4', range: [ipv4ToInt(ip), ipv4ToInt(ip)] };
  if (/^[\d.]+$/.test(t)) throw new Error(`"${t}" is not a valid IPv4 address`);
  if (t.includes(':')) throw new Error(`"${t}" is not a valid IPv6 address`);
  if (!HOSTNAME.test(t)) throw new Error(`"${t}" is neither an address nor a valid hostname`);
  return { kind: 'name', name: t.replace(/\.$/, '').toLowerCase() };
}

async function defaultResolve(name: string): Promise<string[]> {
  const r = await lookup(name, { all: true });
  return r.map((a) => a.address);
}

/**
 * Parses and resolves a target list. Every bad target is reported together (with its index), and a list
 * larger than `maxAddresses` is refused unless `force` is set.
 */
export async function parseTargets(targets: readonly string[], opts: ParseTargetsOptions): Promise<TargetSet> {
  const where = opts.where ?? 'targets';
  const details: ErrorDetail[] = [];
  const ranges: Array<[number, number]> = [];
  const v6 = new Set<string>();
  const v6Nets: Array<Extract<Parsed, { kind: 'v6' }>> = [];
  const names = new Map<string, string[]>();
  if (targets.length === 0) {
    throw new LnmtError('LNMT_ERR_TARGET', 'no scan targets given', { details: [{ where, message: 'at least one target is required', allowed: ALLOWED }] });
  }
  const resolve = opts.resolve ?? defaultResolve;
  await Promise.all(
    targets.map(async (raw, i) => {
      let p: Parsed;
      try {
        p = parseTarget(raw);
      } catch (e) {
        details.push({ where: `${where}[${i}]`, value: raw, message: (e as Error).message, allowed: ALLOWED });
        return;
      }
      if (p.kind === 'v4') ranges.push(p.range);
      else if (p.kind === 'v6') v6Nets.push(p);
      else {
        try {
          const addrs = (await resolve(p.name)).map((a) => normalizeIp(a)).filter((a): a is string => a !== null);
          if (addrs.length === 0) throw new Error('no addresses');
          names.set(p.name, addrs);
          for (const a of addrs) {
            if (a.includes(':')) v6.add(a);
            else ranges.push([ipv4ToInt(a), ipv4ToInt(a)]);
          }
        } catch (e) {
          details.push({ where: `${where}[${i}]`, value: raw, message: `hostname does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
        }
      }
    }),
  );
  if (details.length > 0) {
    details.sort((a, b) => a.where.localeCompare(b.where, undefined, { numeric: true }));
    throw new LnmtError('LNMT_ERR_TARGET', `invalid scan target${details.length > 1 ? 's' : ''}`, { details });
  }
  const v4 = mergeRanges(ranges);
  const v4Count = v4.reduce((n, [s, e]) => n + (e - s + 1), 0);
  // Guard before expanding IPv6 networks (an upper bound: overlaps are not subtracted yet).
  const v6Bound = v6.size + v6Nets.reduce((n, p) => n + p.size, 0);
  if (v6Bound > MAX_IPV6_ADDRESSES) {
    throw new LnmtError('LNMT_ERR_TARGET_TOO_LARGE', `IPv6 targets cover up to ${v6Bound.toLocaleString('en-US')} addresses; a sweep is limited to ${MAX_IPV6_ADDRESSES.toLocaleString('en-US')}, even with --force`, {
      details: [{ where, value: targets, message: 'IPv6 range too large', allowed: `at most ${MAX_IPV6_ADDRESSES} IPv6 addresses (sixteen /112 networks)` }],
    });
  }
  if (v4Count + v6Bound > opts.maxAddresses && !opts.force) tooLarge(v4Count + v6Bound, targets, opts, where);
  for (const p of v6Nets) for (const a of p.expand()) v6.add(a);
  const count = v4Count + v6.size;
  return { v4, v6: [...v6], names, count };
}

function tooLarge(count: number, targets: readonly string[], opts: ParseTargetsOptions, where: string): never {
  throw new LnmtError('LNMT_ERR_TARGET_TOO_LARGE', `targets cover ${count.toLocaleString('en-US')} addresses, more than the limit of ${opts.maxAddresses.toLocaleString('en-US')} (scanner.maxAddresses)`, {
    details: [{ where, value: targets, message: 'range too large', allowed: `at most ${opts.maxAddresses} addresses, or pass --force (API: "force": true)` }],
  });
}

function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Every address in the set, lazily: IPv4 in numeric order, then IPv6. */
export function* addresses(set: TargetSet): Generator<string> {
  for (const [s, e] of set.v4) for (let n = s; n <= e; n++) yield intToIpv4(n);
  yield* set.v6;
}
