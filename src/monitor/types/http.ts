import { X509Certificate } from 'node:crypto';
import Type, { type Static } from 'typebox';
import type { CheckOutcome, CheckType } from '../check-type.js';
import { canonicalHost, invalidParam, invalidTarget } from '../check-target.js';
import { startDeadline } from '../deadline.js';
import { ExchangeError, STAGE_NAMES, exchange, type ExchangeResult } from '../http-exchange.js';
import {
  describeStatusRanges, formatJsonPath, jsonPathGet, jsonValueMatches, parseJsonPath, parseStatusSpec, statusMatches, type StatusRange,
} from '../http-matchers.js';
import { failed, formatMs, neverThrows, quote, roundMs } from '../outcome.js';
import { soonestExpiring, type CertSummary } from '../tls-cert.js';
import { USER_AGENT } from '../user-agent.js';

/** The most of a body read per check (keyword and JSON matching see this much; `details.truncated` says so). */
export const HTTP_MAX_BODY_BYTES = 1024 * 1024;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const STATUS_PATTERN = '^\\s*([1-5][xX][xX]|\\d{3}(\\s*-\\s*\\d{3})?)\\s*$';
/** Headers the exchange itself owns: a fresh connection per run, and the body's length from `body`. */
const RESERVED_HEADERS = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer']);
/** Dropped when a redirect leaves the origin: credentials (as browsers and curl do) and a virtual-host override. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'host'];

export const HttpParams = Type.Object(
  {
    method: Type.Union(METHODS.map((m) => Type.Literal(m)), { default: 'GET', description: 'request method' }),
    headers: Type.Record(Type.String(), Type.String({ maxLength: 8192 }), {
      default: {},
      description: 'request headers; they replace the defaults (User-Agent: lnmt-monitor/<version>, Accept: */*)',
    }),
    body: Type.Optional(Type.String({ maxLength: 65536, description: 'request body (sent with Content-Length)' })),
    expectStatus: Type.Optional(
      Type.Array(Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: STATUS_PATTERN })]), {
        minItems: 1,
        maxItems: 32,
        description: 'accepted statuses of the final response: 200, "200-299", "2xx"; default 200-299 when following redirects, 200-399 when not (the redirect is then the answer)',
      }),
    ),
    keyword: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'text the body must contain (case-sensitive; first 1 MiB)' })),
    notKeyword: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'text the body must not contain (case-sensitive; first 1 MiB)' })),
    jsonPath: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'a value in a JSON body that must exist: $.status, data.items[0].state, $["odd key"], items[-1]' })),
    expectedValue: Type.Optional(Type.Unknown({ description: 'what jsonPath must hold (deep-equal JSON; a string also matches the same JSON text, e.g. "true" or "42")' })),
    maxResponseMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120000, description: 'slower than this (redirects and body included) fails the check' })),
    followRedirects: Type.Boolean({ default: true, description: 'follow 301/302/303/307/308 (loops are detected)' }),
    maxRedirects: Type.Integer({ minimum: 0, maximum: 20, default: 5, description: 'redirects followed at most' }),
    tlsVerify: Type.Boolean({ default: true, description: 'verify the certificate chain and name; false accepts self-signed and expired certificates (still reported)' }),
    ca: Type.Optional(Type.String({ minLength: 1, maxLength: 262144, pattern: '-----BEGIN CERTIFICATE-----', description: 'extra CA certificates to trust (PEM), for an internal PKI' })),
    certWarningDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'the monitor emits check.cert_expiring when the certificate has fewer days left (default monitor.defaults.certWarningDays)' })),
  },
  { additionalProperties: false },
);
export type HttpParams = Static<typeof HttpParams>;

const ALLOWED = 'an http:// or https:// URL, e.g. https://example.com/health';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * An HTTP(S) request over a fresh connection (node:http, not fetch: fetch cannot show the peer certificate).
 * Up when the final response has an accepted status, arrives within `maxResponseMs`, and its body passes the
 * keyword and JSON checks. For HTTPS the outcome carries the certificate that expires first along the way (the
 * monitor decides when to warn), whether or not it verified.
 */
export const httpCheck = {
  type: 'http',
  description: 'HTTP/HTTPS request: status, keyword, JSON value, response time, redirects, TLS certificate',
  params: HttpParams,
  targetExample: 'https://example.com/health',

  normalizeTarget(target, device) {
    const text = target?.trim() ?? '';
    if (text === '') {
      if (device) return `http://${device.ip.includes(':') ? `[${device.ip}]` : device.ip}/`;
      throw invalidTarget(target, 'an HTTP check needs a URL (or attach it to a device)', ALLOWED);
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalidTarget(target, 'not a URL', ALLOWED);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidTarget(target, `scheme ${url.protocol.replace(/:$/, '')} is not http or https`, ALLOWED);
    if (url.username || url.password) {
      throw invalidTarget('(URL with credentials)', 'credentials in the URL would show in names, events and logs; send them in params.headers (Authorization)', ALLOWED);
    }
    if (!canonicalHost(url.hostname)) throw invalidTarget(target, `${JSON.stringify(url.hostname)} is not an IP address or host name`, ALLOWED);
    url.hash = '';
    return url.href;
  },

  validateParams(p) {
    (p.expectStatus ?? []).forEach((s, i) => {
      if (!parseStatusSpec(s)) throw invalidParam(`expectStatus.${i}`, s, 'not a status code or range (or its start is above its end)', 'codes 100-599 and ranges: 200, "200-299", "2xx"');
    });
    for (const [name, value] of Object.entries(p.headers ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw invalidParam(`headers.${name}`, name, 'not a valid header name', 'letters, digits and !#$%&\'*+.^_`|~-');
      if (RESERVED_HEADERS.has(name.toLowerCase())) throw invalidParam(`headers.${name}`, value, 'set by the check itself', `any header but ${[...RESERVED_HEADERS].join(', ')}`);
      if (/[\r\n\0]/.test(value)) throw invalidParam(`headers.${name}`, value, 'header values cannot contain line breaks or NUL', 'one line of text');
    }
    if (p.body !== undefined && p.method === 'HEAD') throw invalidParam('body', p.body, 'a HEAD request has no body', 'no body, or another method');
    if (p.jsonPath !== undefined) {
      try {
        parseJsonPath(p.jsonPath);
      } catch (err) {
        throw invalidParam('jsonPath', p.jsonPath, (err as Error).message, '$.key, $.list[0].key, key.sub, $["odd key"]');
      }
      if (p.method === 'HEAD') throw invalidParam('jsonPath', p.jsonPath, 'a HEAD response has no body to read', 'GET or another method with a body');
    }
    if (p.expectedValue !== undefined && p.jsonPath === undefined) throw invalidParam('expectedValue', p.expectedValue, 'needs params.jsonPath (where to find the value)', 'set with jsonPath');
    if ((p.keyword !== undefined || p.notKeyword !== undefined) && p.method === 'HEAD') throw invalidParam(p.keyword !== undefined ? 'keyword' : 'notKeyword', p.keyword ?? p.notKeyword, 'a HEAD response has no body to search', 'GET or another method with a body');
    if (p.ca !== undefined) {
      // OpenSSL skips PEM blocks it cannot parse when loading CAs, so each one is parsed here.
      const blocks = p.ca.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      blocks.forEach((pem, i) => {
        try {
          new X509Certificate(pem);
        } catch (err) {
          throw invalidParam('ca', '(PEM)', `certificate ${i + 1} cannot be read: ${(err as Error).message}`, 'PEM certificates (-----BEGIN CERTIFICATE-----)');
        }
      });
      if (blocks.length === 0) throw invalidParam('ca', '(PEM)', 'no complete certificate', 'PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)');
    }
  },

  run: (input, deps) =>
    neverThrows('http', async (): Promise<CheckOutcome> => {
      const p = input.params;
      httpCheck.validateParams(p);
      const follow = p.followRedirects ?? true;
      const maxRedirects = p.maxRedirects ?? 5;
      const ranges = (p.expectStatus ?? [follow ? '200-299' : '200-399']).map((s) => parseStatusSpec(s)!);
      const dl = startDeadline(input.timeoutMs, input.signal);
      let cert: CertSummary | undefined;
      let url = new URL(input.target);
      let method: string = p.method ?? 'GET';
      let body = p.body;
      let headers = requestHeaders(p.headers ?? {});
      const seen = new Set([`${method} ${url.href}`]);
      const chain = [url.href];
      const withCert = (o: CheckOutcome): CheckOutcome => (cert ? { ...o, cert } : o);
      try {
        const followed = (status: number, location: string | undefined): boolean => follow && REDIRECT_STATUSES.has(status) && !!location;
        for (let redirects = 0; ; redirects++) {
          let hop: ExchangeResult;
          try {
            hop = await exchange({
              url, method, headers, ...(body !== undefined ? { body } : {}),
              tlsVerify: p.tlsVerify ?? true, ...(p.ca ? { ca: p.ca } : {}),
              wantsBody: (res) => method !== 'HEAD' && !followed(res.statusCode ?? 0, res.headers.location),
              maxBodyBytes: HTTP_MAX_BODY_BYTES, signal: dl.signal, now: deps.now(),
            });
          } catch (err) {
            if (!(err instanceof ExchangeError)) throw err;
            cert = soonestExpiring(cert, err.tls?.cert);
            const where = redirects > 0 ? ` (at ${url.href}, after ${plural(redirects, 'redirect')})` : '';
            const message = err.stopped
              ? dl.timedOut() ? `no response within ${input.timeoutMs} ms (${STAGE_NAMES[err.stage]})${where}` : 'cancelled (monitor stopping)'
              : `${err.message}${where}`;
            return withCert(failed(message, { url: url.href, redirects, stage: err.stage, ...(err.tls ? { tls: tlsDetails(err.tls) } : {}) }));
          }
          cert = soonestExpiring(cert, hop.tls?.cert);
          if (!followed(hop.status, hop.headers.location)) return withCert(evaluate(hop, { url, redirects, ranges, elapsedMs: dl.elapsed(), p }));
          const location = String(hop.headers.location);
          const total = dl.elapsed();
          const fail = (message: string): CheckOutcome => withCert(failed(message, { url: url.href, status: hop.status, redirects, location }, roundMs(total)));
          if (redirects >= maxRedirects) return fail(`more than ${plural(maxRedirects, 'redirect')} (HTTP ${hop.status} from ${url.href} to ${location})`);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            return fail(`HTTP ${hop.status} with an invalid Location ${quote(location)}`);
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') return fail(`HTTP ${hop.status} redirects to ${next.protocol} (only http and https are followed)`);
          next.hash = '';
          // 303 always, and 301/302 after POST (what every browser does), continue as GET without a body.
          if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
            method = method === 'HEAD' ? 'HEAD' : 'GET';
            body = undefined;
          }
          const key = `${method} ${next.href}`;
          if (seen.has(key)) return fail(`redirect loop: ${[...chain, next.href].join(' → ')}`);
          if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !ORIGIN_BOUND_HEADERS.includes(k)));
          seen.add(key);
          chain.push(next.href);
          url = next;
        }
      } finally {
        dl.dispose();
      }
    }),
} satisfies CheckType<HttpParams>;

/** Lower-case names; the user's headers replace the defaults. */
function requestHeaders(given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
  for (const [k, v] of Object.entries(given)) out[k.toLowerCase()] = v;
  return out;
}

interface Final {
  url: URL;
  redirects: number;
  ranges: StatusRange[];
  elapsedMs: number;
  p: HttpParams;
}

/** The final response against the expectations; every failed one is named, in order. */
function evaluate(hop: ExchangeResult, f: Final): CheckOutcome {
  const { p } = f;
  const problems: string[] = [];
  const details: Record<string, unknown> = {
    url: f.url.href,
    status: hop.status,
    redirects: f.redirects,
    bytes: hop.body.length,
    ...(hop.truncated ? { truncated: true } : {}),
    ...(hop.headers['content-type'] ? { contentType: hop.headers['content-type'] } : {}),
    timings: roundTimings(hop.timings),
    ...(hop.tls ? { tls: tlsDetails(hop.tls) } : {}),
  };
  if (!statusMatches(hop.status, f.ranges)) problems.push(`expected ${describeStatusRanges(f.ranges)}`);
  if (p.maxResponseMs !== undefined && f.elapsedMs > p.maxResponseMs) problems.push(`slower than ${p.maxResponseMs} ms`);
  const within = hop.truncated ? ` in the first ${HTTP_MAX_BODY_BYTES / 1024 / 1024} MiB` : '';
  const text = p.keyword !== undefined || p.notKeyword !== undefined || p.jsonPath !== undefined ? decodeBody(hop) : '';
  if (p.keyword !== undefined && !text.includes(p.keyword)) problems.push(`keyword ${quote(p.keyword)} not found${within}`);
  if (p.notKeyword !== undefined && text.includes(p.notKeyword)) problems.push(`${quote(p.notKeyword)} found (must not appear)`);
  if (p.jsonPath !== undefined) {
    const problem = checkJson(text, hop.truncated, p.jsonPath, p.expectedValue, details);
    if (problem) problems.push(problem);
  }
  const after = f.redirects > 0 ? ` after ${plural(f.redirects, 'redirect')}` : '';
  const head = `HTTP ${hop.status} in ${formatMs(f.elapsedMs)}${after}`;
  const latencyMs = roundMs(f.elapsedMs);
  if (problems.length > 0) return { ok: false, latencyMs, message: `${head}; ${problems.join('; ')}`, details };
  return { ok: true, latencyMs, message: head, details };
}

function checkJson(text: string, truncated: boolean, path: string, expected: unknown, details: Record<string, unknown>): string | null {
  if (truncated) return `body larger than ${HTTP_MAX_BODY_BYTES / 1024 / 1024} MiB: not read as JSON`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return `body is not JSON (${(err as Error).message})`;
  }
  const segs = parseJsonPath(path);
  const got = jsonPathGet(doc, segs);
  if (!got.found) return `${got.missing} not found in the JSON body`;
  const shown = JSON.stringify(got.value) ?? 'undefined';
  details.jsonValue = shown.length > 200 ? `${shown.slice(0, 200)}…` : got.value;
  if (expected !== undefined && !jsonValueMatches(got.value, expected)) {
    return `${formatJsonPath(segs)} is ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}, expected ${JSON.stringify(expected)}`;
  }
  return null;
}

/** The body as text, in the charset the response declares (UTF-8 when none, or one this runtime lacks). */
function decodeBody(hop: ExchangeResult): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(String(hop.headers['content-type'] ?? ''))?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(hop.body);
  } catch {
    return new TextDecoder('utf-8').decode(hop.body);
  }
}

function tlsDetails(t: NonNullable<ExchangeResult['tls']>): Record<string, unknown> {
  return { protocol: t.protocol, authorized: t.authorized, ...(t.verifyError ? { verifyError: t.verifyError } : {}) };
}

function roundTimings(t: ExchangeResult['timings']): Record<string, number> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined).map(([k, v]) => [k, roundMs(v as number)]));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
