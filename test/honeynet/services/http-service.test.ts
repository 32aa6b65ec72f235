/**
 * The HTTP honeypot as nginx and as Apache: their pages and header order byte for byte, keep-alive, pipelining,
 * HTTP/1.0 and 0.9, the header/body limits, chunked bodies; the login portals (form posts, HTTP Basic, XML-RPC)
 * each recorded with the exact credentials; the probe table's statuses and tags; canary URLs; and the real
 * tools on loopback — curl, hydra http-post-form, nmap -sV — plus a fuzz of the parser and of the live service.
 * Missing tools fail under CI=true (apt: curl, hydra, nmap).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AnyEvent } from '../../../src/core/events.js';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { apachePage, nginxPage } from '../../../src/honeynet/services/http/error-pages.js';
import { basicCredentials, parseUrlEncoded } from '../../../src/honeynet/services/http/form-data.js';
import { HttpRequestParser, type HttpParseError, type HttpRequest } from '../../../src/honeynet/services/http/http-request-parser.js';
import { httpRelease } from '../../../src/honeynet/services/http/http-release.js';
import { normalisePath } from '../../../src/honeynet/services/http/http-router.js';
import { httpService } from '../../../src/honeynet/services/http/http-service.js';
import { parseMethodCall } from '../../../src/honeynet/services/http/xml-rpc.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { assertHydraAttempts } from './hydra-attempts.js';
import { startTestService, type TestService } from './service-harness.js';

const UBUNTU_24: Persona = { ...TEST_PERSONA, id: 'p-ubuntu', hostname: 'web7', domain: 'acme-logistics.lan', os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '24.04', version: '24.04.1 LTS (Noble Numbat)' } };
const UBUNTU_22: Persona = { ...UBUNTU_24, os: { ...UBUNTU_24.os, versionId: '22.04' } };
const DATE = /Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/;

type RequestEvent = Extract<AnyEvent, { type: 'honeypot.request' }>;
type AuthEvent = Extract<AnyEvent, { type: 'honeypot.auth' }>;
const requests = (svc: TestService) => svc.events.filter((e): e is RequestEvent => e.type === 'honeypot.request');
const auths = (svc: TestService) => svc.events.filter((e): e is AuthEvent => e.type === 'honeypot.auth');
const lastRequest = (svc: TestService, path: string) => requests(svc).filter((e) => e.data.path === path).at(-1);

/** Waits until `n` more events match (the sink publishes in batches). */
async function settle(): Promise<void> {
  await sleep(150);
}

const curl = (args: string[]) => run('curl', ['-s', '--max-time', '20', ...args], { timeout: 60_000 });

function parse(chunks: Buffer[], limits: Partial<ConstructorParameters<typeof HttpRequestParser>[0]> = {}) {
  const got: HttpRequest[] = [];
  const errors: Array<[HttpParseError, HttpRequest | null]> = [];
  const p = new HttpRequestParser({ maxLineBytes: 8192, maxHeaderBytes: 32768, maxHeaders: 100, maxBodyBytes: 1 << 20, captureBodyBytes: 1024, strictFraming: true, ...limits }, { request: (r) => got.push(r), error: (k, r) => errors.push([k, r]), expectsContinue: () => undefined });
  for (const c of chunks) p.feed(c);
  return { got, errors, parser: p };
}

describe('HTTP pieces', () => {
  it('nginx pages have the real lengths (1.18.0 Ubuntu 301 = 178, 302 = 154; 1.22.1 404 = 153) and 494 is a 400 page', () => {
    assert.equal(nginxPage(301, 'nginx/1.18.0 (Ubuntu)').length, 178);
    assert.equal(nginxPage(302, 'nginx/1.18.0 (Ubuntu)').length, 154);
    assert.equal(nginxPage(404, 'nginx/1.22.1').length, 153);
    assert.match(nginxPage(494, 'nginx/1.22.1'), /^<html>\r\n<head><title>400 Request Header Or Cookie Too Large<\/title><\/head>\r\n<body>\r\n<center><h1>400 Bad Request<\/h1><\/center>\r\n<center>Request Header Or Cookie Too Large<\/center>\r\n/);
    assert.equal(nginxPage(505, 'nginx/1.22.1'), '');
  });

  it('the Apache 401 page is as long as a real Apache/2.4.62 (Debian) one (461 bytes at 192.168.100.18 port 80)', () => {
    const p = apachePage({ status: 401, method: 'GET', signature: 'Apache/2.4.62 (Debian) Server at 192.168.100.18 Port 80' });
    assert.equal(p.length, 461);
    assert.ok(p.startsWith('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n'));
  });

  it('the server version follows the persona release', () => {
    assert.equal(httpRelease(TEST_PERSONA, 'nginx').server, 'nginx/1.22.1');
    assert.equal(httpRelease(TEST_PERSONA, 'apache').server, 'Apache/2.4.62 (Debian)');
    assert.equal(httpRelease(UBUNTU_24, 'nginx').server, 'nginx/1.24.0 (Ubuntu)');
    assert.equal(httpRelease(UBUNTU_24, 'apache').server, 'Apache/2.4.58 (Ubuntu)');
    assert.equal(httpRelease(UBUNTU_22, 'nginx').server, 'nginx/1.18.0 (Ubuntu)');
    assert.equal(httpRelease(UBUNTU_22, 'apache').server, 'Apache/2.4.52 (Ubuntu)');
    assert.equal(httpRelease(UBUNTU_22, 'nginx').strictFraming, false);
    assert.equal(httpRelease(UBUNTU_22, 'nginx').keepAliveRequests, 100);
    assert.equal(httpRelease(TEST_PERSONA, 'nginx').keepAliveRequests, 1000);
  });

  it('parser: pipelined requests, chunked bodies split anywhere, HTTP/0.9, and each limit', () => {
    const two = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b?q=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n';
    for (let cut = 1; cut < two.length; cut += 7) {
      const { got, errors } = parse([Buffer.from(two.slice(0, cut)), Buffer.from(two.slice(cut))]);
      assert.deepEqual(errors, []);
      assert.deepEqual(got.map((r) => [r.method, r.path, r.query, r.body.toString(), r.bodyBytes]), [['GET', '/a', '', '', 0], ['POST', '/b', 'q=1', 'abcde', 5]]);
    }
    assert.equal(parse([Buffer.from('GET /\r\n')]).got[0]?.version, '0.9');
    assert.equal(parse([Buffer.from('\r\n\r\nGET / HTTP/1.0\r\n\r\n')]).got[0]?.version, '1.0');
    const kinds = (s: string | Buffer, l = {}) => parse([Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1')], l).errors.map(([k]) => k);
    assert.deepEqual(kinds(`GET /${'a'.repeat(9000)} HTTP/1.1\r\n`), ['uri-too-long']);
    assert.deepEqual(kinds(`GET / HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(9000)}\r\n\r\n`), ['header-too-large']);
    assert.deepEqual(kinds(`GET / HTTP/1.1\r\nHost: x\r\n${'X-A: 1234567\r\n'.repeat(101)}\r\n`), ['too-many-headers']);
    assert.deepEqual(kinds('GET / HTTP/1.1\r\n\r\n'), ['bad-request'], 'HTTP/1.1 without Host');
    assert.deepEqual(kinds('get / HTTP/1.1\r\nHost: x\r\n\r\n'), ['bad-request']);
    assert.deepEqual(kinds('GET / HTTP/2.0\r\nHost: x\r\n\r\n'), ['bad-version']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n'), ['body-too-large']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'), ['bad-request']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'), ['unknown-encoding']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), ['bad-chunk']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXYZ'), ['bad-chunk']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffff\r\n'), ['body-too-large']);
    assert.deepEqual(kinds('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n'), ['bad-request']);
    const big = parse([Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n'), Buffer.alloc(5000, 0x41)]).got[0]!;
    assert.deepEqual([big.body.length, big.bodyBytes, big.bodyTruncated], [1024, 5000, true]);
  });

  it('parser fuzz: random bytes, bogus lines and chunk sizes never throw, and the buffered bytes stay under the caps', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
      fc.constantFrom('GET / HTTP/1.1\r\n', 'Host: x\r\n', '\r\n', 'Transfer-Encoding: chunked\r\n', 'Content-Length: 10\r\n', 'ffff\r\n', '0\r\n\r\n', ': \r\n', ' folded\r\n', 'X'.repeat(5000)).map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (chunks) => {
        const { parser } = parse([], {});
        for (const c of chunks) {
          parser.feed(c);
          assert.ok(parser.buffered <= 8192 + 1024, `buffered ${parser.buffered}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('form, Basic and XML-RPC decoding keep credentials exact', () => {
    assert.deepEqual([...parseUrlEncoded('log=a%26b&pwd=x+y%3D%25&pwd=%E2%82%AC%zz&flag')], [['log', 'a&b'], ['pwd', '€%zz'], ['flag', '']]);
    assert.deepEqual(basicCredentials(`Basic ${Buffer.from('us er:p:ä ss').toString('base64')}`), { username: 'us er', password: 'p:ä ss' });
    assert.equal(basicCredentials('Bearer abc'), null);
    const call = parseMethodCall('<?xml version="1.0"?><methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value><string>ad&amp;min</string></value></param><param><value>p&lt;w&#x20AC;</value></param></params></methodCall>');
    assert.deepEqual(call, { methodName: 'wp.getUsersBlogs', params: ['ad&min', 'p<w€'] });
    const started = Date.now();
    assert.match(parseMethodCall(`<methodCall><methodName>x</methodName>${'<a'.repeat(30_000)}${'<b>'.repeat(30_000)}</methodCall>`)?.methodName ?? '', /^x/);
    assert.ok(Date.now() - started < 2000, 'hostile XML parses in linear time');
    assert.equal(parseMethodCall('<not-xml'), null);
  });

  it('paths resolve like the servers resolve them; climbing above the root is refused', () => {
    assert.equal(normalisePath('/a/./b/../c//d'), '/a/c/d');
    assert.equal(normalisePath('/%2e%2e/etc/passwd'), null);
    assert.equal(normalisePath('/cgi-bin/.%2e/.%2e/bin/sh'), null);
    assert.equal(normalisePath('/x/%00'), null);
    assert.equal(normalisePath('/wp-admin/'), '/wp-admin/');
  });
});

for (const flavor of ['nginx', 'apache'] as const) {
  describe(`HTTP honeypot as ${flavor} on loopback`, () => {
    let svc: TestService;
    let base: string;
    let port: number;
    before(async () => {
      svc = await startTestService(httpService(), { persona: TEST_PERSONA, settings: { server: flavor }, limits: LIMITS, session: SESSION, ...FILES });
      port = svc.listener.address.port;
      base = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      await svc?.close();
    });

    it('curl: the 404 page and its headers exactly as the product sends them', { skip: missing('curl', 'curl') }, async () => {
      const r = await curl(['-i', `${base}/no/such/page`]);
      const got = r.stdout.replace(DATE, 'Date: D');
      if (flavor === 'nginx') {
        assert.equal(got, 'HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1\r\nDate: D\r\nContent-Type: text/html\r\nContent-Length: 153\r\nConnection: keep-alive\r\n\r\n<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n');
      } else {
        const body = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n<hr>\n<address>Apache/2.4.62 (Debian) Server at 127.0.0.1 Port ${port}</address>\n</body></html>\n`;
        assert.equal(got, `HTTP/1.1 404 Not Found\r\nDate: D\r\nServer: Apache/2.4.62 (Debian)\r\nContent-Length: ${body.length}\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n${body}`);
      }
      await settle();
      const ev = lastRequest(svc, '/no/such/page')!;
      assert.deepEqual({ m: ev.data.method, v: ev.data.http_version, s: ev.data.status, h: ev.data.host, ua: ev.data.user_agent, n: ev.data.headers.map(([k]) => k) }, { m: 'GET', v: 'HTTP/1.1', s: 404, h: `127.0.0.1:${port}`, ua: ev.data.user_agent, n: ['Host', 'User-Agent', 'Accept'] });
      assert.match(ev.data.user_agent ?? '', /^curl\//);
    });

    it('curl: GET / is the admin login (a PHP page: chunked from nginx, sized by Apache), HEAD has no body', { skip: missing('curl', 'curl') }, async () => {
      const r = await curl(['-i', `${base}/`]);
      assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(r.stdout, /<form method="post" action="\/login"/);
      assert.match(r.stdout, /Set-Cookie: PHPSESSID=[0-9a-v]{26}; path=\/\r\n/);
      if (flavor === 'nginx') assert.match(r.stdout, /Content-Type: text\/html; charset=UTF-8\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n/);
      else assert.match(r.stdout, /Content-Length: \d+\r\nVary: Accept-Encoding\r\nContent-Type: text\/html; charset=UTF-8\r\n\r\n/);
      const h = await curl(['-I', `${base}/`]);
      assert.match(h.stdout, /^HTTP\/1\.1 200 OK\r\n/);
      assert.ok(h.stdout.endsWith('\r\n\r\n'), 'HEAD: headers only');
    });

    it('curl: form posts to wp-login.php and the admin portal are recorded with the exact credentials, and fail', { skip: missing('curl', 'curl') }, async () => {
      const cases: Array<[string, string]> = [['admin', 'sp ace&amp=eq%pct'], ["o'brien \"q\"", 'Ünïcødé €'], ['admin', 'a+b;c']];
      for (const [user, pass] of cases) {
        const wp = await curl(['-i', '--data-urlencode', `log=${user}`, '--data-urlencode', `pwd=${pass}`, `${base}/wp-login.php`]);
        assert.match(wp.stdout, /^HTTP\/1\.1 200 OK/);
        if (user === 'admin') assert.match(wp.stdout, /<strong>Error:<\/strong> The password you entered for the username <strong>admin<\/strong> is incorrect\./);
        else assert.match(wp.stdout, /is not registered on this site/);
        const adm = await curl(['--data-urlencode', `username=${user}`, '--data-urlencode', `password=${pass}`, `${base}/login`]);
        assert.match(adm.stdout, /Invalid username or password\./);
      }
      await settle();
      const got = auths(svc).slice(-6).map((e) => [e.data.method, e.data.username, e.data.password, e.data.success, e.data.client?.startsWith('curl/')]);
      assert.deepEqual(got, cases.flatMap(([u, p]) => [['password', u, p, false, true], ['password', u, p, false, true]]));
      const ev = lastRequest(svc, '/wp-login.php')!;
      assert.equal(ev.data.method, 'POST');
      assert.ok(ev.data.tags.includes('login:wordpress'));
      assert.ok(ev.data.body?.startsWith('log=admin&pwd='));
    });

    it('curl -u: the Basic realm on /admin answers 401 with WWW-Authenticate and records the pair', { skip: missing('curl', 'curl') }, async () => {
      const r = await curl(['-i', '-u', 'root:t0p:sec ret&ü', `${base}/admin`]);
      assert.match(r.stdout, /^HTTP\/1\.1 401 (Unauthorized)\r\n/);
      assert.match(r.stdout, /\r\nWWW-Authenticate: Basic realm="[^"]+"\r\n/);
      await settle();
      const a = auths(svc).at(-1)!;
      assert.deepEqual([a.data.username, a.data.password, a.data.success], ['root', 't0p:sec ret&ü', false]);
      assert.ok(lastRequest(svc, '/admin')!.data.tags.includes('login:basic'));
    });

    it('keep-alive: curl fetches several URLs over one connection, each recorded in the same session', { skip: missing('curl', 'curl') }, async () => {
      const r = await curl(['-v', '-o', '/dev/null', '-o', '/dev/null', '-o', '/dev/null', `${base}/ka1`, `${base}/ka2`, `${base}/robots.txt`]);
      assert.match(r.stderr, /Re-using existing connection/);
      await settle();
      const evs = ['/ka1', '/ka2', '/robots.txt'].map((p) => lastRequest(svc, p)!);
      assert.equal(new Set(evs.map((e) => e.session)).size, 1);
      assert.deepEqual(evs.map((e) => e.data.status), [404, 404, 200]);
      if (flavor === 'apache') {
        const ka = await curl(['-i', '-H', 'Connection: keep-alive', `${base}/robots.txt`, `${base}/robots.txt`]);
        assert.match(ka.stdout, /Keep-Alive: timeout=5, max=100\r\nConnection: Keep-Alive\r\n[\s\S]*Keep-Alive: timeout=5, max=99\r\n/);
      }
    });

    it('pipelined requests are answered in order; HTTP/1.0 closes; HTTP/0.9 gets a bare body', async () => {
      const r = await converse(port, ['GET /p1 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /robots.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /p3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n']);
      const text = r.all.toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
      assert.deepEqual(statuses, ['404', '200', '404']);
      assert.ok(r.closed);
      assert.match(text, flavor === 'nginx' ? /Connection: close\r\n\r\n<html>/ : /Connection: close\r\nContent-Type/);
      const ten = await converse(port, ['GET /robots.txt HTTP/1.0\r\n\r\n']);
      assert.ok(ten.closed);
      assert.match(ten.all.toString(), /Connection: close\r\n/);
      const nine = await converse(port, ['GET /robots.txt\r\n']);
      assert.equal(nine.all.toString(), 'User-agent: *\nDisallow: /admin/\n');
    });

    it('limits: a huge header, a huge URI, a body over the cap, a bogus chunk, a garbage line', async () => {
      const huge = await converse(port, [`GET / HTTP/1.1\r\nHost: a\r\nCookie: ${'c'.repeat(10_000)}\r\n\r\n`]);
      if (flavor === 'nginx') assert.match(huge.all.toString(), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*<title>400 Request Header Or Cookie Too Large<\/title>/);
      else assert.match(huge.all.toString(), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*<br \/>\nSize of a request header field exceeds server limit\.<\/p>/);
      assert.ok(huge.closed);
      const uri = await converse(port, [`GET /${'u'.repeat(9000)} HTTP/1.1\r\n`]);
      assert.match(uri.all.toString(), flavor === 'nginx' ? /^HTTP\/1\.1 414 Request-URI Too Large\r\n/ : /^HTTP\/1\.1 414 Request-URI Too Long\r\n/);
      const body = await converse(port, ['POST /wp-login.php HTTP/1.1\r\nHost: a\r\nContent-Length: 5000000\r\n\r\n']);
      assert.match(body.all.toString(), /^HTTP\/1\.1 413 Request Entity Too Large\r\n[\s\S]*Connection: close\r\n/);
      const chunk = await converse(port, ['POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n']);
      assert.match(chunk.all.toString(), /^HTTP\/1\.1 400 Bad Request\r\n/);
      const garbage = await converse(port, [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10, 0x0d, 0x0a])]);
      assert.match(garbage.all.toString('latin1'), /^HTTP\/1\.1 400 Bad Request\r\n/);
      await settle();
      assert.ok(requests(svc).some((e) => e.data.status === 413 && e.data.tags.includes('malformed:body-too-large') && e.data.body_bytes === 5_000_000));
    });

    it('Expect: 100-continue gets 100 Continue before the body', { skip: missing('curl', 'curl') }, async () => {
      const long = 'L'.repeat(2000);
      const r = await curl(['-v', '-o', '/dev/null', '-H', 'Expect: 100-continue', '--data-urlencode', 'log=admin', '--data-urlencode', `pwd=${long}`, `${base}/wp-login.php`]);
      assert.match(r.stderr, /< HTTP\/1\.1 100 Continue/);
      await settle();
      assert.equal(auths(svc).at(-1)!.data.password, long);
    });

    it('a chunked form post is decoded and its credentials recorded', async () => {
      const form = 'log=chunky&pwd=b%26c';
      const r = await converse(port, [`POST /wp-login.php HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n${form.slice(0, 5)}\r\n${(form.length - 5).toString(16)}\r\n${form.slice(5)}\r\n0\r\n\r\n`]);
      assert.match(r.all.toString(), /^HTTP\/1\.1 200 OK/);
      await settle();
      const a = auths(svc).at(-1)!;
      assert.deepEqual([a.data.username, a.data.password], ['chunky', 'b&c']);
    });

    it('probe paths answer plausibly and carry their tags', { skip: missing('curl', 'curl') }, async () => {
      const apache = flavor === 'apache';
      const table: Array<[string, number, string, string[]?]> = [
        ['/.env', 200, 'probe:env'],
        ['/.git/config', 200, 'probe:git'],
        ['/.git/', 403, 'probe:git'],
        ['/.aws/credentials', 200, 'probe:aws'],
        ['/actuator', 200, 'probe:actuator'],
        ['/actuator/env', 200, 'probe:actuator'],
        ['/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', 404, 'exploit:phpunit'],
        ['/phpmyadmin', 301, 'probe:phpmyadmin'],
        ['/phpmyadmin/', 200, 'login:phpmyadmin'],
        ['/server-status', apache ? 403 : 404, 'probe:server-status'],
        ['/boaform/admin/formLogin', 404, 'exploit:boaform'],
        ['/HNAP1', 404, 'probe:hnap'],
        ['/cgi-bin/status.cgi', 404, 'probe:cgi'],
        ['/wp-admin', 301, 'probe:wp-admin'],
        ['/wp-admin/', 302, 'probe:wp-admin'],
        ['/xmlrpc.php', 405, 'probe:xmlrpc'],
        ['/wp-json/wp/v2/users', 200, 'probe:wp-users'],
        ['/backup.sql', 404, 'probe:backup'],
      ];
      for (const [path, status] of table) {
        const r = await curl(['-o', '/dev/null', '-w', '%{http_code}', `${base}${path}`]);
        assert.equal(r.stdout, String(status), path);
      }
      await settle();
      for (const [path, status, tag] of table) {
        const ev = lastRequest(svc, path);
        assert.ok(ev, path);
        assert.equal(ev.data.status, status, path);
        assert.ok(ev.data.tags.includes(tag), `${path}: ${ev.data.tags.join(',')}`);
      }
      const env = await curl([`${base}/.env`]);
      assert.match(env.stdout, /^APP_NAME="Fs01"\nAPP_ENV=production\n[\s\S]*\nDB_PASSWORD=\S{20}\n[\s\S]*AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}\n/);
      const wpAdmin = await curl(['-i', `${base}/wp-admin/`]);
      assert.match(wpAdmin.stdout, new RegExp(`Location: http://127\\.0\\.0\\.1:${port}/wp-login\\.php\\?redirect_to=http%3A%2F%2F127\\.0\\.0\\.1%3A${port}%2Fwp-admin%2F&reauth=1\\r\\n`));
      const pma = await curl(['-i', `${base}/phpmyadmin`]);
      assert.match(pma.stdout, new RegExp(`Location: http://127\\.0\\.0\\.1:${port}/phpmyadmin/\\r\\n`));
    });

    it('exploit signatures and scanner user agents are tagged wherever they appear', async () => {
      const shock = await converse(port, ['GET /cgi-bin/test.cgi HTTP/1.1\r\nHost: a\r\nUser-Agent: () { :; }; /bin/bash -c "id"\r\nConnection: close\r\n\r\n']);
      assert.match(shock.all.toString(), /^HTTP\/1\.1 404 /);
      const trav = await converse(port, ['GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n']);
      assert.match(trav.all.toString(), /^HTTP\/1\.1 400 Bad Request/);
      for (const [ua] of [['Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'], ['Mozilla/5.0 zgrab/0.x'], ['masscan/1.3 (https://github.com/robertdavidgraham/masscan)'], ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Nuclei - Open-source project (github.com/projectdiscovery/nuclei)']]) {
        await converse(port, [`GET /ua-probe HTTP/1.1\r\nHost: a\r\nUser-Agent: ${ua}\r\nConnection: close\r\n\r\n`]);
      }
      await settle();
      assert.ok(lastRequest(svc, '/cgi-bin/test.cgi')!.data.tags.includes('exploit:shellshock'));
      assert.ok(lastRequest(svc, '/cgi-bin/test.cgi')!.data.tags.includes('probe:cgi'));
      assert.ok(lastRequest(svc, '/static/../../../../etc/passwd')!.data.tags.includes('exploit:traversal'));
      const uaTags = requests(svc).filter((e) => e.data.path === '/ua-probe').flatMap((e) => e.data.tags);
      for (const t of ['scanner:nmap', 'scanner:zgrab', 'scanner:masscan', 'scanner:nuclei']) assert.ok(uaTags.includes(t), t);
    });

    it('Basic credentials on any path, proxy requests and TRACE are recorded for what they are', async () => {
      const basic = Buffer.from('support:r0ut3r!').toString('base64');
      await converse(port, [`GET /cgi-bin/luci HTTP/1.1\r\nHost: a\r\nAuthorization: Basic ${basic}\r\nConnection: close\r\n\r\n`]);
      const proxy = await converse(port, ['GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n']);
      assert.match(proxy.all.toString(), /^HTTP\/1\.1 200 OK/, 'answered as the local front page');
      const trace = await converse(port, ['TRACE / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n']);
      assert.match(trace.all.toString(), flavor === 'nginx' ? /^HTTP\/1\.1 405 Not Allowed\r\n/ : /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
      await settle();
      const a = auths(svc).at(-1)!;
      assert.deepEqual([a.data.username, a.data.password], ['support', 'r0ut3r!']);
      assert.ok(lastRequest(svc, '/cgi-bin/luci')!.data.tags.includes('login:basic'));
      assert.ok(requests(svc).some((e) => e.data.path === '/' && e.data.tags.includes('probe:proxy')));
    });

    it('a canary URL answers as a 1x1 image and records its token', { skip: missing('curl', 'curl') }, async () => {
      const r = await curl(['-i', `${base}/static/img/Zq7Tk_93xA.png`]);
      assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Type: image\/png\r\n/);
      assert.ok(r.stdout.includes('\x89PNG') || r.stdout.includes('PNG'));
      await settle();
      const ev = lastRequest(svc, '/static/img/Zq7Tk_93xA.png')!;
      assert.equal(ev.data.canary_token, 'Zq7Tk_93xA');
      assert.ok(ev.data.tags.includes('canary'));
      const gif = await curl(['-o', '/dev/null', '-w', '%{http_code} %{content_type} %{size_download}', `${base}/static/img/t0k3n-gif.gif`]);
      assert.equal(gif.stdout, '200 image/gif 43');
      const short = await curl(['-o', '/dev/null', '-w', '%{http_code}', `${base}/static/img/abc.png`]);
      assert.equal(short.stdout, '404', 'not a token: an ordinary missing file');
    });

    it('xmlrpc.php: listMethods, wp.getUsersBlogs and system.multicall credentials', { skip: missing('curl', 'curl') }, async () => {
      const post = (xml: string) => curl(['-H', 'Content-Type: text/xml', '--data-binary', xml, `${base}/xmlrpc.php`]);
      const list = await post('<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName><params></params></methodCall>');
      assert.match(list.stdout, /<value><string>wp\.getUsersBlogs<\/string><\/value>/);
      const one = await post('<?xml version="1.0"?><methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value><string>editor</string></value></param><param><value><string>p&amp;ss &lt;w&gt;</string></value></param></params></methodCall>');
      assert.match(one.stdout, /<name>faultCode<\/name>\s*<value><int>403<\/int><\/value>[\s\S]*Incorrect username or password\./);
      const calls = ['one', 'two'].map((p) => `<value><struct><member><name>methodName</name><value><string>wp.getUsersBlogs</string></value></member><member><name>params</name><value><array><data><value><string>admin</string></value><value><string>${p}</string></value></data></array></value></member></struct></value>`).join('');
      const multi = await post(`<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>${calls}</data></array></value></param></params></methodCall>`);
      assert.equal((multi.stdout.match(/Incorrect username or password\./g) ?? []).length, 2);
      await settle();
      assert.deepEqual(auths(svc).slice(-3).map((a) => [a.data.username, a.data.password]), [['editor', 'p&ss <w>'], ['admin', 'one'], ['admin', 'two']]);
    });

    it('fuzz: random bytes, malformed lines, huge headers, bogus chunks and slowloris never stop the service', async () => {
      const hostile = fc.oneof(
        fc.array(fc.uint8Array({ maxLength: 4096 }), { maxLength: 6 }).map((cs) => cs.map((c) => Buffer.from(c))),
        fc.tuple(fc.constantFrom('GET', 'POST', 'XYZ', 'get', ''), fc.string({ maxLength: 300 }), fc.constantFrom(' HTTP/1.1', ' HTTP/9.9', '', ' HTTP/1.0')).map(([m, p, v]) => [Buffer.from(`${m} /${p}${v}\r\nHost: x\r\n\r\n`, 'latin1')]),
        fc.nat({ max: 40_000 }).map((n) => [Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(n)}\r\n\r\n`)]),
        fc.array(fc.constantFrom('zz\r\n', 'ffffffffffffffff\r\n', '5\r\nabc\r\n', '0\r\n', '-1\r\n', '\r\n', '3;a=b\r\nxyz\r\n'), { maxLength: 8 }).map((cs) => [Buffer.from('POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'), ...cs.map((c) => Buffer.from(c))]),
      );
      await fc.assert(
        fc.asyncProperty(hostile, async (chunks) => {
          await converse(port, chunks, 5);
        }),
        { numRuns: 40 },
      );
      // slowloris: a few connections trickling a header byte by byte, still open while a normal request is served
      const slow = Array.from({ length: 3 }, () => connect(port, '127.0.0.1'));
      for (const s of slow) s.on('error', () => undefined);
      for (let i = 0; i < 10; i++) {
        for (const s of slow) s.write(i === 0 ? 'GET / HTTP/1.1\r\nX-a: ' : 'b');
        await sleep(20);
      }
      const ok = await curl(['-o', '/dev/null', '-w', '%{http_code}', `${base}/robots.txt`]);
      assert.equal(ok.stdout, '200');
      for (const s of slow) s.destroy();
    });

    it('hydra http-post-form against wp-login.php: every attempt recorded with the exact password', { skip: missing('hydra', 'hydra') }, async () => {
      const passwords = ['123456', 'pa ss', 'x"y$z', 'Ünïcødé', "it's", 'a&b', 'c=d', '50%', 'p+q'];
      const file = join(svc.dir, 'pw.txt');
      writeFileSync(file, `${passwords.join('\n')}\n`);
      const before = auths(svc).length;
      const r = await run('hydra', ['-I', '-l', 'admin', '-P', file, '-t', '2', '-s', String(port), '127.0.0.1', 'http-post-form', '/wp-login.php:log=^USER^&pwd=^PASS^:F=incorrect'], { timeout: 120_000 });
      assert.match(r.stdout, /0 valid password/, r.stdout + r.stderr);
      await settle();
      const tried = auths(svc).slice(before).filter((a) => a.data.username === 'admin');
      assert.ok(tried.every((a) => a.data.client === 'Mozilla/5.0 (Hydra)'));
      assertHydraAttempts(tried.map((a) => a.data.password ?? '?'), passwords, r.stdout);
    });

    it('nmap -sV names the product and version, and nothing about a honeypot', { skip: missing('nmap', 'nmap') }, async () => {
      const line = await nmapServiceLine(port);
      assert.match(line, flavor === 'nginx' ? /open\s+http\s+nginx 1\.22\.1/ : /open\s+http\s+Apache httpd 2\.4\.62 \(\(Debian\)\)/, line);
      assert.doesNotMatch(line, /honeypot|unrecognized|\?/i, line);
    });
  });
}

describe('HTTP portals and personas', () => {
  const started: TestService[] = [];
  const start = async (persona: Persona, settings: Record<string, unknown>) => {
    const s = await startTestService(httpService(), { persona, settings, limits: LIMITS, session: SESSION, ...FILES });
    started.push(s);
    return `http://127.0.0.1:${s.listener.address.port}`;
  };
  after(async () => {
    for (const s of started) await s.close();
  });

  it('an Ubuntu persona is nginx/1.24.0 (Ubuntu) and Apache/2.4.58 (Ubuntu), in the Server header and the pages', { skip: missing('curl', 'curl') }, async () => {
    const n = await curl(['-i', `${await start(UBUNTU_24, {})}/missing`]);
    assert.match(n.stdout, /^HTTP\/1\.1 404 Not Found\r\nServer: nginx\/1\.24\.0 \(Ubuntu\)\r\n[\s\S]*<hr><center>nginx\/1\.24\.0 \(Ubuntu\)<\/center>/);
    const a = await curl(['-i', `${await start(UBUNTU_24, { server: 'apache' })}/missing`]);
    assert.match(a.stdout, /\r\nServer: Apache\/2\.4\.58 \(Ubuntu\)\r\n[\s\S]*<address>Apache\/2\.4\.58 \(Ubuntu\) Server at 127\.0\.0\.1 Port \d+<\/address>/);
  });

  it('titles differ between installs; each portal shows its own login at /', { skip: missing('curl', 'curl') }, async () => {
    const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
    const a = await curl([`${await start(TEST_PERSONA, {})}/`]);
    const b = await curl([`${await start(UBUNTU_24, {})}/`]);
    assert.notEqual(title(a.stdout), title(b.stdout));
    assert.match(b.stdout, /Acme Logistics|web7/);
    const wp = await curl([`${await start(UBUNTU_24, { portal: 'wordpress' })}/`]);
    assert.match(wp.stdout, /<meta name="generator" content="WordPress [\d.]+" \/>/);
    const router = await curl([`${await start(UBUNTU_24, { portal: 'router' })}/`]);
    assert.match(router.stdout, /<form action="\/login\.cgi" method="post">/);
    const pma = await curl([`${await start(UBUNTU_24, { portal: 'phpmyadmin' })}/`]);
    assert.match(pma.stdout, /name="pma_username"/);
    const none = await curl([`${await start(UBUNTU_24, { portal: 'none' })}/`]);
    assert.match(none.stdout, /<title>Welcome to nginx!<\/title>/);
  });

  it('the router and phpMyAdmin logins record their credentials', { skip: missing('curl', 'curl') }, async () => {
    const routerBase = await start(UBUNTU_22, { portal: 'router' });
    const r = await curl(['--data-urlencode', 'username=admin', '--data-urlencode', 'password=r0uter pw&', `${routerBase}/login.cgi`]);
    assert.match(r.stdout, /The username or password is incorrect\./);
    const pma = await curl(['--data-urlencode', 'pma_username=root', '--data-urlencode', "pma_password=it's=secret", '--data-urlencode', 'server=1', `${routerBase}/phpmyadmin/index.php?route=/`]);
    assert.match(pma.stdout, /Access denied for user 'root'@'localhost' \(using password: YES\)<\/div>\n[\s\S]*Cannot log in to the MySQL server/);
    await settle();
    const svc = started.at(-1)!;
    assert.deepEqual(auths(svc).map((a) => [a.data.username, a.data.password]), [['admin', 'r0uter pw&'], ['root', "it's=secret"]]);
  });
});
