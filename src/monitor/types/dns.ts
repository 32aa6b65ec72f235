import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import Type, { type Static } from 'typebox';
import { normalizeIp } from '../../core/ip.js';
import type { CheckOutcome, CheckType } from '../check-type.js';
import { canonicalHostname, invalidParam, invalidTarget, joinHostPort } from '../check-target.js';
import { startDeadline } from '../deadline.js';
import { MATCH_MODES, RECORD_TYPES, matchAnswers, queryRecords, type RecordType } from '../dns-answers.js';
import { failed, formatMs, neverThrows, quote, roundMs } from '../outcome.js';

export const DnsParams = Type.Object(
  {
    recordType: Type.Union(RECORD_TYPES.map((t) => Type.Literal(t)), { default: 'A', description: 'record type to query' }),
    server: Type.Optional(Type.String({ minLength: 2, maxLength: 64, pattern: '^[0-9A-Fa-f:.\\[\\]]+$', description: 'DNS server: ip or ip:port ([v6]:port); the system resolver when absent' })),
    expected: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 64, description: 'answers to expect (see match); without it any answer passes' })),
    match: Type.Union(MATCH_MODES.map((m) => Type.Literal(m)), { default: 'all', description: 'all: every expected value is answered; any: at least one is; exact: the answers are exactly these' }),
  },
  { additionalProperties: false },
);
export type DnsParams = Static<typeof DnsParams>;

const ALLOWED = 'a DNS name (www.example.com, _sip._tcp.example.com), or an IP address for recordType PTR';

/**
 * A DNS query through a fresh resolver per run (one try, the run's timeout), to the given server or the system's.
 * Up when the name has records of the type (NOERROR with answers) that satisfy `expected`/`match`. The latency
 * is the query time. The target is the name; for PTR it may be an address, which is looked up in in-addr.arpa /
 * ip6.arpa.
 */
export const dnsCheck = {
  type: 'dns',
  description: 'DNS query (A, AAAA, CNAME, MX, TXT, NS, PTR, SRV, SOA, CAA) with optional expected answers',
  params: DnsParams,
  targetExample: 'www.example.com',

  normalizeTarget(target) {
    const text = target?.trim() ?? '';
    if (text === '') throw invalidTarget(target, 'a DNS check needs the name to resolve', ALLOWED);
    const name = normalizeIp(text) ?? canonicalHostname(text);
    if (!name) throw invalidTarget(target, 'not a DNS name or IP address', ALLOWED);
    return name;
  },

  validateParams(params) {
    if (params.server !== undefined && parseServer(params.server) === null) {
      throw invalidParam('server', params.server, 'not an IP address with an optional port', 'ip or ip:port, e.g. 192.0.2.53, 192.0.2.53:5353, 2001:db8::53, [2001:db8::53]:5353');
    }
    const family = params.recordType === 'A' ? 4 : params.recordType === 'AAAA' ? 6 : 0;
    (params.expected ?? []).forEach((e, i) => {
      if (family && isIP(e) !== family) throw invalidParam(`expected.${i}`, e, `not an IPv${family} address (recordType ${params.recordType})`, `IPv${family} addresses`);
    });
  },

  run: (input) =>
    neverThrows('dns', async (): Promise<CheckOutcome> => {
      const type = (input.params.recordType ?? 'A') as RecordType;
      const server = input.params.server === undefined ? null : parseServer(input.params.server);
      if (input.params.server !== undefined && server === null) return failed(`invalid DNS server ${quote(input.params.server)}`);
      if (isIP(input.target) && type !== 'PTR') return failed(`${input.target} is an address: only recordType PTR looks up addresses`);
      const from = server ?? 'the system resolver';
      const dl = startDeadline(input.timeoutMs, input.signal);
      const resolver = new Resolver({ timeout: input.timeoutMs, tries: 1 });
      const cancel = (): void => resolver.cancel();
      dl.signal.addEventListener('abort', cancel, { once: true });
      const start = performance.now();
      try {
        if (server) resolver.setServers([server]);
        let res: { answers: string[]; ttl?: number };
        try {
          res = await queryRecords(resolver, type, input.target);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? '';
          const stopped = code === 'ECANCELLED' || dl.signal.aborted;
          const timedOut = code === 'ETIMEOUT' || (stopped && dl.timedOut());
          const message = timedOut ? `no answer from ${from} within ${input.timeoutMs} ms` : stopped ? 'cancelled (monitor stopping)' : describeDnsError(code, err as Error, input.target, type, from);
          return failed(message, { server: server ?? null, recordType: type, code: timedOut ? 'ETIMEOUT' : code || null });
        }
        const ms = performance.now() - start;
        const details: Record<string, unknown> = { server: server ?? null, recordType: type, answers: res.answers, ...(res.ttl !== undefined ? { ttl: res.ttl } : {}) };
        const shown = `${type} ${listAnswers(res.answers)} in ${formatMs(ms)}`;
        const expected = input.params.expected;
        if (!expected) return { ok: true, latencyMs: roundMs(ms), message: shown, details };
        const m = matchAnswers(type, res.answers, expected, input.params.match ?? 'all');
        if (m.ok) return { ok: true, latencyMs: roundMs(ms), message: shown, details };
        const problems = input.params.match === 'any' ? [`none of ${listAnswers(expected)}`] : [
          ...(m.missing.length ? [`missing ${listAnswers(m.missing)}`] : []),
          ...(input.params.match === 'exact' && m.unexpected.length ? [`unexpected ${listAnswers(m.unexpected)}`] : []),
        ];
        const why = problems.join('; ');
        return failed(`${shown}; ${why}`, { ...details, missing: m.missing, unexpected: m.unexpected }, roundMs(ms));
      } finally {
        dl.signal.removeEventListener('abort', cancel);
        dl.dispose();
      }
    }),
} satisfies CheckType<DnsParams>;

/** `ip` / `ip:port` / `[v6]:port` as `setServers` takes it, or null. */
function parseServer(text: string): string | null {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(text) ?? /^([0-9a-fA-F:.]+)()$/.exec(text);
  if (!m) return null;
  const ip = normalizeIp(m[1]!);
  if (!ip || (text.startsWith('[') && !ip.includes(':'))) return null;
  if (!m[2]) return ip;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? joinHostPort(ip, port) : null;
}

function listAnswers(list: string[], max = 5): string {
  if (list.length === 0) return '(none)';
  const shown = list.slice(0, max).map((a) => (a.length > 80 ? `${a.slice(0, 80)}…` : a));
  return list.length > max ? `${shown.join(', ')} (+${list.length - max} more)` : shown.join(', ');
}

function describeDnsError(code: string, err: Error, name: string, type: string, from: string): string {
  switch (code) {
    case 'ENOTFOUND':
      return `NXDOMAIN: ${name} does not exist (${from})`;
    case 'ENODATA':
      return `no ${type} records for ${name} (${from})`;
    case 'ESERVFAIL':
      return `SERVFAIL from ${from} for ${name}`;
    case 'EREFUSED':
      return `${from} refused the query (REFUSED)`;
    case 'ECONNREFUSED':
      return `connection refused by ${from} (no DNS server on that port?)`;
    case 'EFORMERR':
      return `${from} answered FORMERR (it could not parse the query)`;
    case 'EBADRESP':
      return `malformed answer from ${from}`;
    case 'ENOTIMP':
      return `${from} does not implement ${type} queries (NOTIMP)`;
    default:
      return `${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`;
  }
}
