import { networkInterfaces } from 'node:os';
import { overlaps, parseTarget, type Target } from './target.js';

/** One range that is never banned, and where it comes from (named in refusals). */
export interface AllowEntry extends Target {
  /** `response.allowlist[2]`, `own network (eth0)`, `loopback`, `scan job "lan"`. */
  source: string;
}

/**
 * The ranges that can never be banned. A ban target is refused when it overlaps any entry at all: a /16 ban that
 * contains one allowlisted host would cut that host off too.
 */
export class Allowlist {
  constructor(readonly entries: readonly AllowEntry[]) {}

  /** The first entry the target overlaps, or null. */
  match(t: Pick<Target, 'lo' | 'hi'>): AllowEntry | null {
    for (const e of this.entries) if (overlaps(e, t)) return e;
    return null;
  }
}

/** Entries of `response.allowlist` (already validated by `responseSettings`). */
export function configEntries(list: readonly string[]): AllowEntry[] {
  return list.flatMap((text, i) => {
    const t = parseTarget(text);
    return t ? [{ ...t, source: `response.allowlist[${i}]` }] : [];
  });
}

/** Loopback and the networks of this host's interfaces (address with its prefix: the whole attached segment). */
export function ownNetworkEntries(ifaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): AllowEntry[] {
  const out: AllowEntry[] = [];
  for (const text of ['127.0.0.0/8', '::1']) out.push({ ...parseTarget(text)!, source: 'loopback' });
  for (const [name, addrs] of Object.entries(ifaces)) {
    for (const a of addrs ?? []) {
      if (a.internal || !a.cidr) continue;
      // Link-local (fe80::/10) is never routed to us from elsewhere; leaving it out keeps the list short.
      if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')) continue;
      const t = parseTarget(a.cidr.replace(/%[^/]*/, ''));
      if (t) out.push({ ...t, source: `own network (${name} ${a.cidr})` });
    }
  }
  return out;
}

/** Targets of scheduled scan jobs (`params.targets`), where they are addresses or CIDRs. */
export function scanTargetEntries(jobs: ReadonlyArray<{ name: string; params: string }>): AllowEntry[] {
  const out: AllowEntry[] = [];
  for (const job of jobs) {
    let targets: unknown;
    try {
      targets = (JSON.parse(job.params) as { targets?: unknown }).targets;
    } catch {
      continue;
    }
    if (!Array.isArray(targets)) continue;
    for (const text of targets) {
      const t = typeof text === 'string' ? parseTarget(text) : null;
      if (t) out.push({ ...t, source: `scan job "${job.name}" target ${t.target}` });
    }
  }
  return out;
}
