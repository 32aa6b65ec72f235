import type { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { normalizeIp } from '../core/ip.js';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'PTR', 'SRV', 'SOA', 'CAA'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const MATCH_MODES = ['all', 'any', 'exact'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

/**
 * The answers to one query, one line per record, in the forms users write them:
 * A/AAAA `192.0.2.1`; CNAME/NS/PTR `host.example`; MX `10 mail.example`; TXT the strings joined;
 * SRV `priority weight port target`; SOA `nsname hostmaster serial refresh retry expire minttl`;
 * CAA `0 issue "letsencrypt.org"`. Names are lower case without the trailing dot. `ttl` is the lowest TTL
 * (A/AAAA only: the only types the resolver reports it for).
 */
export async function queryRecords(r: Resolver, type: RecordType, name: string): Promise<{ answers: string[]; ttl?: number }> {
  switch (type) {
    case 'A':
    case 'AAAA': {
      const recs = type === 'A' ? await r.resolve4(name, { ttl: true }) : await r.resolve6(name, { ttl: true });
      return { answers: recs.map((x) => normalizeIp(x.address) ?? x.address), ttl: Math.min(...recs.map((x) => x.ttl)) };
    }
    case 'CNAME':
      return { answers: (await r.resolveCname(name)).map(dnsName) };
    case 'NS':
      return { answers: (await r.resolveNs(name)).map(dnsName) };
    case 'PTR':
      return { answers: (isIP(name) ? await r.reverse(name) : await r.resolvePtr(name)).map(dnsName) };
    case 'MX':
      return { answers: (await r.resolveMx(name)).sort((a, b) => a.priority - b.priority).map((m) => `${m.priority} ${dnsName(m.exchange)}`) };
    case 'TXT':
      return { answers: (await r.resolveTxt(name)).map((chunks) => chunks.join('')) };
    case 'SRV':
      return { answers: (await r.resolveSrv(name)).sort((a, b) => a.priority - b.priority || b.weight - a.weight).map((s) => `${s.priority} ${s.weight} ${s.port} ${dnsName(s.name)}`) };
    case 'SOA': {
      const s = await r.resolveSoa(name);
      return { answers: [`${dnsName(s.nsname)} ${dnsName(s.hostmaster)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minttl}`] };
    }
    case 'CAA':
      return {
        answers: (await r.resolveCaa(name)).map((c) => {
          const [tag, value] = Object.entries(c).find(([k]) => k !== 'critical') ?? ['', ''];
          return `${c.critical} ${tag} ${JSON.stringify(String(value))}`;
        }),
      };
  }
}

function dnsName(n: string): string {
  return n.toLowerCase().replace(/\.$/, '');
}

/**
 * Whether one expected value matches one answer. Addresses compare as addresses (`2001:DB8::1` = `2001:db8::1`),
 * names without case or trailing dot; MX, SRV and SOA also match by their host name alone (`mail.example` matches
 * `10 mail.example`), CAA by its value alone; TXT compares exactly.
 */
export function answerMatches(type: RecordType, answer: string, expected: string): boolean {
  switch (type) {
    case 'A':
    case 'AAAA':
      return (normalizeIp(expected) ?? expected) === answer;
    case 'TXT':
      return answer === expected;
    case 'CAA':
      return answer === expected || answer.split(' ').slice(2).join(' ') === JSON.stringify(expected);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return answer === dnsName(expected);
    case 'MX':
    case 'SRV': {
      const want = expected.toLowerCase().replace(/\.$/, '');
      return answer === want || answer.split(' ').at(-1) === want;
    }
    case 'SOA': {
      const want = expected.toLowerCase().replace(/\.$/, '');
      return answer === want || answer.split(' ')[0] === want;
    }
  }
}

/**
 * `all` (the default): every expected value is among the answers (others may be there too);
 * `any`: at least one is; `exact`: the answers are the expected values, no more, no fewer.
 */
export function matchAnswers(type: RecordType, answers: string[], expected: string[], mode: MatchMode): { ok: boolean; missing: string[]; unexpected: string[] } {
  const missing = expected.filter((e) => !answers.some((a) => answerMatches(type, a, e)));
  const unexpected = answers.filter((a) => !expected.some((e) => answerMatches(type, a, e)));
  const ok = mode === 'any' ? missing.length < expected.length : mode === 'all' ? missing.length === 0 : missing.length === 0 && unexpected.length === 0;
  return { ok, missing, unexpected };
}
