/**
 * The HTTPS honeypot: the persona's own certificate (CN = FQDN, different per install), ALPN http/1.1, the same
 * web server over TLS (curl -k: pages, form and Basic logins, keep-alive), what nginx and Apache answer to plain
 * HTTP on the TLS port, `nmap -sV` (ssl/http), hydra over TLS, and random bytes at the port. Certificates are made
 * with openssl as Debian's ssl-cert makes its snakeoil pair. Missing tools fail under CI=true (apt: curl, hydra,
 * nmap, openssl).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AnyEvent } from '../../../src/core/events.js';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { httpsService } from '../../../src/honeynet/services/http/http-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { assertHydraAttempts } from './hydra-attempts.js';
import { startTestService, type TestService } from './service-harness.js';

type TlsPersona = Persona & { tls: NonNullable<Persona['tls']> };
type AuthEvent = Extract<AnyEvent, { type: 'honeypot.auth' }>;
type RequestEvent = Extract<AnyEvent, { type: 'honeypot.request' }>;
const auths = (svc: TestService) => svc.events.filter((e): e is AuthEvent => e.type === 'honeypot.auth');
const requests = (svc: TestService) => svc.events.filter((e): e is RequestEvent => e.type === 'honeypot.request');

const noOpenssl = missing('openssl', 'openssl');
const workDir = mkdtempSync(join(tmpdir(), 'lnmt-https-test-'));

/** Debian's ssl-cert snakeoil, made the same way: a self-signed RSA 2048 certificate, CN = the FQDN, 10 years. */
function withCertificate(persona: Persona): TlsPersona {
  const fqdn = persona.domain ? `${persona.hostname}.${persona.domain}` : persona.hostname;
  const key = join(workDir, `${persona.id}.key`);
  const cert = join(workDir, `${persona.id}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${fqdn}`, '-days', '3650', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const pair = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  return { ...persona, tls: { snakeoil: pair, rdp: pair } };
}

/** The certificate the port presents, and the protocol ALPN chose when offered h2 and http/1.1. */
function peer(port: number): Promise<{ cn: string; fingerprint: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      const c = s.getPeerCertificate();
      resolve({ cn: String(c.subject.CN), fingerprint: c.fingerprint256, alpn: s.alpnProtocol ?? false });
      s.destroy();
    });
    s.on('error', reject);
  });
}

const curl = (args: string[]) => run('curl', ['-sk', '--max-time', '20', ...args], { timeout: 60_000 });

describe('HTTPS honeypot', { skip: noOpenssl }, () => {
  let personaA: TlsPersona;
  let personaB: TlsPersona;
  const services: Record<'nginx' | 'apache' | 'other', TestService | undefined> = { nginx: undefined, apache: undefined, other: undefined };
  const port = (k: keyof typeof services) => services[k]!.listener.address.port;

  before(async () => {
    personaA = withCertificate({ ...TEST_PERSONA, id: 'tls-a' });
    personaB = withCertificate({ ...TEST_PERSONA, id: 'tls-b', hostname: 'shop', domain: 'example-retail.lan', os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '24.04' } });
    services.nginx = await startTestService(httpsService(), { persona: personaA, settings: {}, limits: LIMITS, session: SESSION, ...FILES });
    services.apache = await startTestService(httpsService(), { persona: personaA, settings: { server: 'apache' }, limits: LIMITS, session: SESSION, ...FILES });
    services.other = await startTestService(httpsService(), { persona: personaB, settings: { portal: 'wordpress' }, limits: LIMITS, session: SESSION, ...FILES });
  });
  after(async () => {
    for (const s of Object.values(services)) await s?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('without persona.tls the service refuses to start and says what is missing', async () => {
    await assert.rejects(httpsService().start({ persona: { ...TEST_PERSONA, tls: undefined }, settings: {} } as unknown as Parameters<ReturnType<typeof httpsService>['start']>[0]), /persona\.tls\.snakeoil/);
  });

  it('the certificate is the persona\'s: CN = FQDN, different on another install; ALPN picks http/1.1', async () => {
    const a = await peer(port('nginx'));
    const b = await peer(port('other'));
    assert.equal(a.cn, 'fs01');
    assert.equal(b.cn, 'shop.example-retail.lan');
    assert.notEqual(a.fingerprint, b.fingerprint);
    assert.equal(a.alpn, 'http/1.1');
  });

  for (const flavor of ['nginx', 'apache'] as const) {
    it(`curl -k (${flavor}): pages, the 404, keep-alive over one TLS connection`, { skip: missing('curl', 'curl') }, async () => {
      const base = `https://127.0.0.1:${port(flavor)}`;
      const r = await curl(['-v', '-i', `${base}/nope`, `${base}/`]);
      assert.match(r.stderr, /subject: CN=fs01/);
      assert.match(r.stderr, /Re-using existing connection/);
      if (flavor === 'nginx') assert.match(r.stdout, /^HTTP\/1\.1 404 Not Found\r\nServer: nginx\/1\.22\.1\r\n[\s\S]*<hr><center>nginx\/1\.22\.1<\/center>/);
      else assert.match(r.stdout, /^HTTP\/1\.1 404 Not Found\r\nDate: [^\r]+\r\nServer: Apache\/2\.4\.62 \(Debian\)\r\n[\s\S]*Server at 127\.0\.0\.1 Port \d+<\/address>/);
      assert.match(r.stdout, /HTTP\/1\.1 200 OK[\s\S]*<form method="post" action="\/login"/);
      const h2 = await curl(['-v', '--http2', '-o', '/dev/null', `${base}/`]);
      assert.match(h2.stderr, /ALPN[^\n]*http\/1\.1/);
      assert.doesNotMatch(h2.stderr, /ALPN[^\n]*accepted h2/);
    });

    it(`curl -k (${flavor}): form and Basic logins over TLS are recorded exactly`, { skip: missing('curl', 'curl') }, async () => {
      const svc = services[flavor]!;
      const base = `https://127.0.0.1:${port(flavor)}`;
      const wp = await curl(['-i', '--data-urlencode', 'log=admin', '--data-urlencode', 'pwd=tls "pw" & more', `${base}/wp-login.php`]);
      assert.match(wp.stdout, /Set-Cookie: wordpress_test_cookie=WP%20Cookie%20check; path=\/; secure\r\n/);
      assert.match(wp.stdout, /is incorrect\./);
      const basic = await curl(['-i', '-u', 'ops:Pässwört:1', `${base}/admin/`]);
      assert.match(basic.stdout, /^HTTP\/1\.1 401 /);
      await sleep(150);
      assert.deepEqual(auths(svc).slice(-2).map((a) => [a.data.username, a.data.password, a.data.client?.startsWith('curl/')]), [['admin', 'tls "pw" & more', true], ['ops', 'Pässwört:1', true]]);
    });
  }

  it('plain HTTP to the TLS port: nginx answers its 497 page, Apache the mod_ssl page without headers', async () => {
    const n = await converse(port('nginx'), ['GET / HTTP/1.0\r\n\r\n']);
    assert.match(n.all.toString(), /^HTTP\/1\.1 400 Bad Request\r\nServer: nginx\/1\.22\.1\r\n[\s\S]*Connection: close\r\n\r\n<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port<\/title><\/head>/);
    const a = await converse(port('apache'), ['GET / HTTP/1.0\r\n\r\n']);
    assert.match(a.all.toString(), /^<!DOCTYPE HTML PUBLIC "-\/\/IETF\/\/DTD HTML 2\.0\/\/EN">\n<html><head>\n<title>400 Bad Request<\/title>\n[\s\S]*Reason: You're speaking plain HTTP to an SSL-enabled server port\.<br \/>\n[\s\S]*<address>Apache\/2\.4\.62 \(Debian\) Server at 127\.0\.1\.1 Port \d+<\/address>\n<\/body><\/html>\n$/);
    await sleep(150);
    assert.ok(requests(services.apache!).some((e) => e.data.tags.includes('plain-http-on-tls')));
  });

  it('random bytes at the TLS port never stop it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 5 }), fc.boolean(), async (chunks, tlsLike) => {
        const lead = tlsLike ? [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])] : [];
        await converse(port('nginx'), [...lead, ...chunks.map((c) => Buffer.from(c))], 5);
      }),
      { numRuns: 30 },
    );
    assert.equal((await peer(port('nginx'))).cn, 'fs01');
  });

  it('hydra https-post-form against wp-login.php records every attempt', { skip: missing('hydra', 'hydra') }, async () => {
    const svc = services.other!;
    const passwords = ['letmein', 'tls pass', 'q"uo$te', 'Grüße', 'x&y=z%'];
    const file = join(svc.dir, 'pw.txt');
    writeFileSync(file, `${passwords.join('\n')}\n`);
    const before = auths(svc).length;
    const r = await run('hydra', ['-I', '-l', 'admin', '-P', file, '-t', '2', '-s', String(port('other')), '127.0.0.1', 'https-post-form', '/wp-login.php:log=^USER^&pwd=^PASS^:F=incorrect'], { timeout: 120_000 });
    assert.match(r.stdout, /0 valid password/, r.stdout + r.stderr);
    await sleep(150);
    assertHydraAttempts(auths(svc).slice(before).filter((a) => a.data.username === 'admin').map((a) => a.data.password ?? '?'), passwords, r.stdout);
  });

  describe('nmap -sV', { skip: missing('nmap', 'nmap') }, () => {
    it('names ssl/http nginx and its version', async () => {
      const line = await nmapServiceLine(port('nginx'));
      assert.match(line, /open\s+ssl\/http\s+nginx 1\.22\.1/, line);
      assert.doesNotMatch(line, /honeypot|unrecognized/i, line);
    });
    it('names ssl/http Apache httpd and its version', async () => {
      const line = await nmapServiceLine(port('apache'));
      assert.match(line, /open\s+ssl\/http\s+Apache httpd 2\.4\.62 \(\(Debian\)/, line);
      assert.doesNotMatch(line, /honeypot|unrecognized/i, line);
    });
  });
});
