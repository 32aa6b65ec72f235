/**
 * The HTTP check type against real local servers: node:http and node:https on 127.0.0.1 with certificates made
 * by openssl for the test (a CA-signed one that expires in 3 days, an expired one, a self-signed one).
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { httpCheck } from '../../src/monitor/types/http.js';
import { USER_AGENT } from '../../src/monitor/user-agent.js';
import { checkDeps, runCheck } from '../fixtures/servers/run-check.js';
import { makeTestCerts, type TestCerts } from '../fixtures/servers/tls-certs.js';

const DOC = { status: 'up', count: 3, flag: true, data: { items: [{ state: 'green' }, { state: 'red' }] }, 'odd key': 'x' };

/** Requests the server saw, for asserting what the check sent. */
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

function routes(otherOrigin: () => string): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      route(req, res, body, otherOrigin);
    });
  };
}

function route(req: IncomingMessage, res: ServerResponse, body: string, otherOrigin: () => string): void {
  const url = new URL(req.url!, 'http://x');
  const p = url.pathname;
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(fn, ms);
    res.on('close', () => clearTimeout(t));
  };
  if (p === '/ok') return void res.end('all good here');
  if (p === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(DOC));
  if (p === '/not-json') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>up</html>');
  if (p.startsWith('/status/')) return void res.writeHead(Number(p.slice(8))).end(`status ${p.slice(8)}`);
  if (p.startsWith('/chain/')) {
    const n = Number(p.slice(7));
    return void res.writeHead(302, { location: n > 1 ? `/chain/${n - 1}` : '/ok' }).end();
  }
  if (p === '/loop-a') return void res.writeHead(301, { location: '/loop-b' }).end();
  if (p === '/loop-b') return void res.writeHead(301, { location: `http://${req.headers.host}/loop-a` }).end();
  if (p === '/no-location') return void res.writeHead(302).end('moved, somewhere');
  if (p === '/see-other') return void res.writeHead(303, { location: '/echo' }).end();
  if (p === '/temporary') return void res.writeHead(307, { location: '/echo' }).end();
  if (p === '/elsewhere') return void res.writeHead(302, { location: `${otherOrigin()}/echo` }).end();
  if (p === '/to-ftp') return void res.writeHead(302, { location: 'ftp://127.0.0.1/file' }).end();
  if (p === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null }));
  if (p === '/slow') return later(Number(url.searchParams.get('ms')), () => res.end('finally'));
  if (p === '/hang') return; // never answers; the socket closes when the client gives up
  if (p === '/big') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(`START ${'x'.repeat(2 * 1024 * 1024)}`);
    return void res.end(' END');
  }
  if (p === '/gzip') return void res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(gzipSync('compressed keyword inside'));
  if (p === '/empty-gzip') return void res.writeHead(204, { 'content-encoding': 'gzip' }).end();
  if (p === '/latin1') return void res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from('caf\xe9', 'latin1'));
  if (p === '/cut') {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('only a part');
    return later(20, () => res.destroy());
  }
  res.writeHead(404).end('not found');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('http check', () => {
  let certs: TestCerts;
  let http: Server;
  let other: Server;
  let base: string;
  let otherBase: string;
  const https: Record<'leaf' | 'expired' | 'self', { server: Server; base: string }> = {} as never;

  before(async () => {
    certs = makeTestCerts();
    http = createHttpServer(routes(() => otherBase));
    other = createHttpServer(routes(() => base));
    base = `http://${await listen(http)}`;
    otherBase = `http://${await listen(other)}`;
    for (const [name, kp] of [['leaf', certs.leaf], ['expired', certs.expired], ['self', certs.selfSigned]] as const) {
      const server = createHttpsServer({ key: kp.key, cert: kp.cert }, routes(() => base));
      https[name] = { server, base: `https://${await listen(server)}` };
    }
  });

  after(async () => {
    await Promise.all([http, other, ...Object.values(https).map((h) => h.server)].map(close));
    certs.cleanup();
  });

  describe('status and timing', () => {
    it('is up on a 2xx, with the status and timings in details and a fresh connection each run', async () => {
      seen.length = 0;
      const o = await runCheck(httpCheck, `${base}/ok`);
      assert.equal(o.ok, true, o.message);
      assert.match(o.message, /^HTTP 200 in [\d.]+ ms$/);
      assert.ok(o.latencyMs !== null && o.latencyMs > 0);
      assert.equal(o.details?.status, 200);
      assert.equal(o.details?.redirects, 0);
      assert.equal(o.details?.bytes, 'all good here'.length);
      assert.equal(o.cert, undefined);
      const t = o.details?.timings as { connectMs: number; firstByteMs: number; totalMs: number };
      assert.ok(t.connectMs >= 0 && t.firstByteMs >= t.connectMs && t.totalMs >= t.firstByteMs, JSON.stringify(t));
      assert.equal(seen[0]?.headers['user-agent'], USER_AGENT);
      assert.match(USER_AGENT, /^lnmt-monitor\/\d+\.\d+\.\d+/);
      assert.equal(seen[0]?.headers.connection, 'close');
    });

    it('is down on a status outside expectStatus (default 200-299), which takes codes, ranges and classes', async () => {
      const o = await runCheck(httpCheck, `${base}/status/503`);
      assert.equal(o.ok, false);
      assert.match(o.message, /^HTTP 503 in [\d.]+ ms; expected 200-299$/);
      assert.ok(o.latencyMs !== null, 'a response that fails still has a latency');
      assert.equal((await runCheck(httpCheck, `${base}/status/503`, { expectStatus: [200, '500-503'] })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/status/404`, { expectStatus: ['4xx'] })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/status/204`, { expectStatus: ['200'] })).ok, false);
    });

    it('fails a response slower than maxResponseMs, and passes a fast one', async () => {
      const slow = await runCheck(httpCheck, `${base}/slow?ms=250`, { maxResponseMs: 100 });
      assert.equal(slow.ok, false);
      assert.match(slow.message, /^HTTP 200 in \d+ ms; slower than 100 ms$/);
      assert.ok(slow.latencyMs! >= 250);
      assert.equal((await runCheck(httpCheck, `${base}/slow?ms=1`, { maxResponseMs: 1000 })).ok, true);
    });

    it('gives up at the timeout, naming the stage it was in, and closes the connection', async () => {
      const t0 = performance.now();
      const o = await runCheck(httpCheck, `${base}/hang`, {}, { timeoutMs: 300 });
      assert.ok(performance.now() - t0 < 1000);
      assert.equal(o.ok, false);
      assert.equal(o.message, 'no response within 300 ms (waiting for the response)');
      assert.equal(o.latencyMs, null);
    });

    it('stops at once when the monitor aborts the run', async () => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 50);
      const t0 = performance.now();
      const o = await runCheck(httpCheck, `${base}/hang`, {}, { timeoutMs: 5000, signal: ctl.signal });
      assert.ok(performance.now() - t0 < 1000);
      assert.equal(o.message, 'cancelled (monitor stopping)');
    });

    it('says connection refused for a closed port', async () => {
      const closed = createHttpServer();
      const addr = await listen(closed);
      await close(closed);
      const o = await runCheck(httpCheck, `http://${addr}/`);
      assert.equal(o.ok, false);
      assert.equal(o.message, 'connection refused');
    });

    it('reports a body cut short by the server', async () => {
      const o = await runCheck(httpCheck, `${base}/cut`);
      assert.equal(o.ok, false);
      assert.match(o.message, /connection (closed|lost).*body/);
    });
  });

  describe('body matching', () => {
    it('keyword must appear and notKeyword must not (case-sensitive)', async () => {
      assert.equal((await runCheck(httpCheck, `${base}/ok`, { keyword: 'good' })).ok, true);
      const missing = await runCheck(httpCheck, `${base}/ok`, { keyword: 'Good' });
      assert.equal(missing.ok, false);
      assert.match(missing.message, /^HTTP 200 in [\d.]+ ms; keyword "Good" not found$/);
      const present = await runCheck(httpCheck, `${base}/ok`, { notKeyword: 'good' });
      assert.equal(present.ok, false);
      assert.match(present.message, /"good" found \(must not appear\)/);
      assert.equal((await runCheck(httpCheck, `${base}/ok`, { notKeyword: 'error' })).ok, true);
    });

    it('names every failed expectation at once', async () => {
      const o = await runCheck(httpCheck, `${base}/status/500`, { keyword: 'nope', expectStatus: ['200'] });
      assert.match(o.message, /^HTTP 500 in [\d.]+ ms; expected 200; keyword "nope" not found$/);
    });

    it('reads at most 1 MiB of a body and says so', async () => {
      const start = await runCheck(httpCheck, `${base}/big`, { keyword: 'START' });
      assert.equal(start.ok, true, start.message);
      assert.equal(start.details?.bytes, 1024 * 1024);
      assert.equal(start.details?.truncated, true);
      const end = await runCheck(httpCheck, `${base}/big`, { keyword: 'END' });
      assert.equal(end.ok, false);
      assert.match(end.message, /keyword "END" not found in the first 1 MiB/);
    });

    it('decodes gzip bodies and declared charsets before matching', async () => {
      assert.equal((await runCheck(httpCheck, `${base}/gzip`, { keyword: 'keyword inside' })).ok, true);
      const empty = await runCheck(httpCheck, `${base}/empty-gzip`);
      assert.equal(empty.ok, true, empty.message);
      assert.equal((await runCheck(httpCheck, `${base}/latin1`, { keyword: 'café' })).ok, true);
    });

    it('jsonPath: the value must exist, and equal expectedValue when given', async () => {
      const ok = await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.status', expectedValue: 'up' });
      assert.equal(ok.ok, true, ok.message);
      assert.equal(ok.details?.jsonValue, 'up');
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: 'data.items[0].state', expectedValue: 'green' })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.data.items[-1].state', expectedValue: 'red' })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$["odd key"]' })).ok, true);
      const mismatch = await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.data.items[1].state', expectedValue: 'green' });
      assert.equal(mismatch.ok, false);
      assert.match(mismatch.message, /\$\.data\.items\[1\]\.state is "red", expected "green"$/);
      const absent = await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.data.items[5].state' });
      assert.equal(absent.ok, false);
      assert.match(absent.message, /\$\.data\.items\[5\] not found in the JSON body$/);
    });

    it('jsonPath compares across types the way YAML and command lines write values', async () => {
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.count', expectedValue: 3 })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.count', expectedValue: '3' })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.flag', expectedValue: 'true' })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.data.items[0]', expectedValue: { state: 'green' } })).ok, true);
      assert.equal((await runCheck(httpCheck, `${base}/json`, { jsonPath: '$.count', expectedValue: 4 })).ok, false);
    });

    it('a body that is not JSON fails a jsonPath check with the parser reason', async () => {
      const o = await runCheck(httpCheck, `${base}/not-json`, { jsonPath: '$.status' });
      assert.equal(o.ok, false);
      assert.match(o.message, /body is not JSON \(/);
    });
  });

  describe('methods and redirects', () => {
    it('sends the method, headers and body; HEAD reads no body', async () => {
      seen.length = 0;
      const o = await runCheck(httpCheck, `${base}/echo`, { method: 'POST', body: '{"q":1}', headers: { 'Content-Type': 'application/json', 'X-Probe': 'yes', 'User-Agent': 'mine' } });
      assert.equal(o.ok, true, o.message);
      assert.deepEqual([seen[0]?.method, seen[0]?.body, seen[0]?.headers['x-probe'], seen[0]?.headers['user-agent'], seen[0]?.headers['content-length']], ['POST', '{"q":1}', 'yes', 'mine', '7']);
      const head = await runCheck(httpCheck, `${base}/ok`, { method: 'HEAD' });
      assert.equal(head.ok, true);
      assert.equal(head.details?.bytes, 0);
      assert.equal(seen.at(-1)?.method, 'HEAD');
    });

    it('follows redirects (default up to 5) and counts them', async () => {
      const o = await runCheck(httpCheck, `${base}/chain/3`, { keyword: 'good' });
      assert.equal(o.ok, true, o.message);
      assert.match(o.message, /^HTTP 200 in [\d.]+ ms after 3 redirects$/);
      assert.equal(o.details?.redirects, 3);
      assert.equal(o.details?.url, `${base}/ok`);
      const tooMany = await runCheck(httpCheck, `${base}/chain/6`);
      assert.equal(tooMany.ok, false);
      assert.match(tooMany.message, /^more than 5 redirects \(HTTP 302 from .*\/chain\/1 to \/ok\)$/);
      assert.equal((await runCheck(httpCheck, `${base}/chain/2`, { maxRedirects: 1 })).ok, false);
    });

    it('detects redirect loops', async () => {
      const o = await runCheck(httpCheck, `${base}/loop-a`);
      assert.equal(o.ok, false);
      assert.equal(o.message, `redirect loop: ${base}/loop-a → ${base}/loop-b → ${base}/loop-a`);
    });

    it('without followRedirects, a redirect is the answer: up by default (200-399), down if expectStatus says 2xx', async () => {
      const o = await runCheck(httpCheck, `${base}/chain/1`, { followRedirects: false });
      assert.equal(o.ok, true, o.message);
      assert.equal(o.details?.status, 302);
      assert.equal((await runCheck(httpCheck, `${base}/chain/1`, { followRedirects: false, expectStatus: ['2xx'] })).ok, false);
    });

    it('303 turns POST into GET without a body; 307 keeps both', async () => {
      const seeOther = await runCheck(httpCheck, `${base}/see-other`, { method: 'POST', body: 'data', jsonPath: '$.method', expectedValue: 'GET' });
      assert.equal(seeOther.ok, true, seeOther.message);
      const temporary = await runCheck(httpCheck, `${base}/temporary`, { method: 'POST', body: 'data', jsonPath: '$.body', expectedValue: 'data' });
      assert.equal(temporary.ok, true, temporary.message);
    });

    it('drops Authorization and a Host override when a redirect leaves the origin', async () => {
      const same = await runCheck(httpCheck, `${base}/temporary`, { headers: { Authorization: 'Bearer s3cret' }, jsonPath: '$.auth', expectedValue: 'Bearer s3cret' });
      assert.equal(same.ok, true, same.message);
      seen.length = 0;
      const cross = await runCheck(httpCheck, `${base}/elsewhere`, { headers: { Authorization: 'Bearer s3cret', Host: 'vhost.test' }, jsonPath: '$.auth', expectedValue: null });
      assert.equal(cross.ok, true, cross.message);
      assert.deepEqual(seen.map((r) => r.headers.host), ['vhost.test', otherBase.slice('http://'.length)]);
    });

    it('a 3xx without Location is the final answer; a redirect to another scheme is refused', async () => {
      const noLoc = await runCheck(httpCheck, `${base}/no-location`);
      assert.equal(noLoc.ok, false);
      assert.match(noLoc.message, /^HTTP 302 .*expected 200-299$/);
      const ftp = await runCheck(httpCheck, `${base}/to-ftp`);
      assert.equal(ftp.ok, false);
      assert.match(ftp.message, /redirects to ftp: \(only http and https are followed\)/);
    });
  });

  describe('HTTPS', () => {
    it('verifies against a given CA and reports the leaf certificate with its days left', async () => {
      const o = await runCheck(httpCheck, `${https.leaf.base}/ok`, { ca: certs.ca });
      assert.equal(o.ok, true, o.message);
      assert.ok(o.cert, 'an HTTPS outcome carries the certificate');
      assert.equal(o.cert.daysLeft, 2, 'a certificate made for 3 days has 2 full days left');
      assert.equal(o.cert.subject, 'CN=localhost, O=LNMT Tests');
      assert.equal(o.cert.issuer, 'CN=LNMT Test CA');
      const notAfter = Date.parse(o.cert.notAfter);
      assert.ok(Math.abs(notAfter - (Date.now() + 3 * 86_400_000)) < 120_000, o.cert.notAfter);
      assert.equal(new Date(notAfter).toISOString(), o.cert.notAfter);
      assert.deepEqual(o.details?.tls, { protocol: 'TLSv1.3', authorized: true });
    });

    it('counts days left against the monitor clock (deps.now)', async () => {
      const later = checkDeps({ now: () => Date.now() + 10 * 86_400_000 });
      const o = await runCheck(httpCheck, `${https.leaf.base}/ok`, { ca: certs.ca }, { deps: later });
      assert.equal(o.cert?.daysLeft, -8);
    });

    it('a certificate from an unknown CA fails verification before anything is sent', async () => {
      seen.length = 0;
      const o = await runCheck(httpCheck, `${https.leaf.base}/ok`);
      assert.equal(o.ok, false);
      assert.equal(o.message, 'TLS: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
      assert.equal(o.cert?.subject, 'CN=localhost, O=LNMT Tests');
      assert.equal(seen.length, 0, 'no request went to a server that failed verification');
    });

    it('an expired certificate fails with OpenSSL\'s reason, and is still reported', async () => {
      const o = await runCheck(httpCheck, `${https.expired.base}/ok`, { ca: certs.ca });
      assert.equal(o.ok, false);
      assert.equal(o.message, 'TLS: certificate has expired (CERT_HAS_EXPIRED)');
      assert.ok(o.cert && o.cert.daysLeft < 0);
    });

    it('a self-signed certificate fails by default and passes with tlsVerify: false, reported either way', async () => {
      const strict = await runCheck(httpCheck, `${https.self.base}/ok`);
      assert.equal(strict.ok, false);
      assert.equal(strict.message, 'TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
      assert.equal(strict.cert?.issuer, 'CN=self.localhost');
      const lax = await runCheck(httpCheck, `${https.self.base}/ok`, { tlsVerify: false, keyword: 'good' });
      assert.equal(lax.ok, true, lax.message);
      assert.equal(lax.cert?.daysLeft, 2);
      assert.equal((lax.details?.tls as Record<string, unknown>).verifyError, 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    });

    it('a name the certificate does not cover fails, naming the name', async () => {
      const port = new URL(https.self.base).port;
      const o = await runCheck(httpCheck, `https://localhost:${port}/ok`, { ca: certs.selfSigned.cert });
      assert.equal(o.ok, false);
      assert.match(o.message, /^TLS: certificate does not match localhost: /);
    });

    it('an http:// redirect to https:// reports the HTTPS hop\'s certificate', async () => {
      const port = new URL(https.leaf.base).port;
      const hop = createHttpServer((_req, res) => res.writeHead(301, { location: `https://127.0.0.1:${port}/ok` }).end());
      const addr = await listen(hop);
      try {
        const o = await runCheck(httpCheck, `http://${addr}/`, { ca: certs.ca });
        assert.equal(o.ok, true, o.message);
        assert.equal(o.cert?.subject, 'CN=localhost, O=LNMT Tests');
      } finally {
        await close(hop);
      }
    });

    it('https:// to a plain HTTP server is a TLS handshake failure', async () => {
      const o = await runCheck(httpCheck, `${base.replace('http:', 'https:')}/ok`);
      assert.equal(o.ok, false);
      assert.match(o.message, /^TLS handshake failed: /);
      assert.equal(o.cert, undefined);
    });
  });
});
