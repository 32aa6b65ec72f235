/**
 * The SMTP honeypot (Postfix-like): exact replies, EHLO extensions, AUTH PLAIN/LOGIN capture, messages accepted
 * into quarantine and never relayed, BDAT, limits; then swaks, hydra and nmap -sV on loopback, and a fuzz of the
 * reader. Tools missing fail under CI=true.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AnyEvent } from '../../../src/core/events.js';
import { decodeBase64, parseCommand, parsePath, parsePlain, queueId, SmtpReader, type SmtpEvent } from '../../../src/honeynet/services/smtp/smtp-protocol.js';
import { smtpBanner } from '../../../src/honeynet/services/smtp/smtp-release.js';
import { ehloLines, smtpService } from '../../../src/honeynet/services/smtp/smtp-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { which } from '../ssh-profile/nmap-enum-algos.js';
import { blast, hostileChunks, LIMITS, nmapServiceLine, RawClient, run, SESSION, toolsOrSkip, waitUntil } from './ftp-smtp-vnc-helpers.js';
import { startTestService, type TestService } from './service-harness.js';
import { assertHydraAttempts } from './hydra-attempts.js';

const toolSkip = toolsOrSkip({ swaks: which('swaks'), hydra: which('hydra'), nmap: which('nmap') }, 'swaks hydra nmap');

let svc: TestService;
let port: number;
before(async () => {
  svc = await startTestService(smtpService(), {
    persona: TEST_PERSONA,
    settings: { failDelayMs: 0, maxMessageBytes: 100_000, maxMessagesPerSession: 3 },
    limits: LIMITS, session: SESSION, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24,
  });
  port = svc.listener.address.port;
});
after(async () => {
  await svc?.close();
});

const of = <T extends AnyEvent['type']>(type: T) => svc.events.filter((e): e is Extract<AnyEvent, { type: T }> => e.type === type);
const b64 = (s: string) => Buffer.from(s).toString('base64');

function drainAll(r: SmtpReader): SmtpEvent[] {
  const out: SmtpEvent[] = [];
  let e: SmtpEvent | null;
  while ((e = r.next())) out.push(e);
  return out;
}

describe('smtp protocol pieces', () => {
  it('banner and EHLO as Postfix words them', () => {
    assert.equal(smtpBanner(TEST_PERSONA), '220 fs01.localdomain ESMTP Postfix (Debian/GNU)');
    assert.equal(smtpBanner({ ...TEST_PERSONA, domain: 'corp.example', os: { ...TEST_PERSONA.os, id: 'ubuntu' } }), '220 fs01.corp.example ESMTP Postfix (Ubuntu)');
    assert.deepEqual(ehloLines('h.x', 10240000), ['250-h.x', '250-PIPELINING', '250-SIZE 10240000', '250-VRFY', '250-ETRN', '250-AUTH PLAIN LOGIN', '250-ENHANCEDSTATUSCODES', '250-8BITMIME', '250-DSN', '250-SMTPUTF8', '250 CHUNKING']);
  });

  it('parses paths, base64, PLAIN and makes Postfix-like queue ids', () => {
    assert.deepEqual(parsePath('FROM:<a@b.c> SIZE=100 BODY=8BITMIME', 'FROM'), { address: 'a@b.c', params: { SIZE: '100', BODY: '8BITMIME' } });
    assert.deepEqual(parsePath('to: x@y', 'TO'), { address: 'x@y', params: {} });
    assert.equal(parsePath('TO x@y', 'TO'), null);
    assert.equal(decodeBase64('a$=='), null);
    assert.deepEqual(parsePlain(Buffer.from('\0u\0p w')), { authzid: '', username: 'u', password: 'p w' });
    assert.equal(parsePlain(Buffer.from('u p')), null);
    assert.match(queueId(Date.now()), /^[0-9A-F]{10,12}$/);
    assert.deepEqual(parseCommand('mail FROM:<a>'), { verb: 'MAIL', arg: 'FROM:<a>' });
  });

  it('the reader: lines, DATA with dot-unstuffing, BDAT, and an overlong line cut', () => {
    const r = new SmtpReader(16);
    r.push(Buffer.from('EHLO x\r\nDATA\r\n..a\r\nb\n.\r\nQUIT\r\n'));
    assert.deepEqual(r.next(), { kind: 'line', text: 'EHLO x', overflow: false });
    assert.deepEqual(r.next(), { kind: 'line', text: 'DATA', overflow: false });
    r.startData();
    const evs = drainAll(r);
    assert.deepEqual(evs.map((e) => (e.kind === 'data' ? e.bytes.toString() : e.kind === 'line' ? e.text : e.kind)), ['.a\r\n', 'b\n', 'data-end', 'QUIT']);
    r.push(Buffer.from('BDAT 3 LAST\r\nabcNOOP\r\n'));
    assert.equal((r.next() as { text: string }).text, 'BDAT 3 LAST');
    r.startBdat(3);
    assert.deepEqual(drainAll(r).map((e) => (e.kind === 'bdat' ? e.bytes.toString() : e.kind === 'line' ? e.text : e.kind)), ['abc', 'bdat-end', 'NOOP']);
    r.push(Buffer.from('X'.repeat(40)));
    assert.deepEqual(r.next(), { kind: 'line', text: 'X'.repeat(16), overflow: true });
    r.push(Buffer.from('YYY\r\nNOOP\r\n'));
    assert.deepEqual(r.next(), { kind: 'line', text: 'NOOP', overflow: false });
  });

  it('fuzz: random bytes in every mode never throw and pending input stays bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 3000 }), fc.nat(3)), { maxLength: 20 }), (steps) => {
        const r = new SmtpReader(512);
        for (const [c, mode] of steps) {
          if (mode === 1) r.startData();
          if (mode === 2) r.startBdat(c.length % 700);
          r.push(Buffer.from(c));
          for (const e of drainAll(r)) {
            if (e.kind === 'line') {
              assert.ok(Buffer.byteLength(e.text) <= 512 * 3);
              const { arg } = parseCommand(e.text);
              parsePath(arg, 'FROM');
              const b = decodeBase64(e.text);
              if (b) parsePlain(b);
            }
          }
          assert.ok(r.pending <= 8192, `pending ${r.pending}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('smtp conversation', () => {
  it('greets, refuses out-of-order commands, captures AUTH, accepts and stores a message (never relayed)', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 fs01.localdomain ESMTP Postfix (Debian/GNU)\r\n');
    c.send('MAIL FROM:<a@b>\r\n');
    await c.waitFor('503 5.5.1 Error: send HELO/EHLO first\r\n');
    c.send('EHLO attacker\r\n');
    await c.waitFor('250 CHUNKING\r\n');
    c.send('AUTH LOGIN\r\n');
    await c.waitFor('334 VXNlcm5hbWU6\r\n');
    c.send(`${b64('bob@example.org')}\r\n`);
    await c.waitFor('334 UGFzc3dvcmQ6\r\n');
    c.send(`${b64('pa ss')}\r\n`);
    await c.waitFor('535 5.7.8 Error: authentication failed: authentication failure\r\n');
    c.send(`AUTH PLAIN ${b64('\0alice\0s3cret')}\r\n`);
    await c.waitFor(/535 [^\r]*\r\n535 [^\r]*\r\n/);
    c.send('RCPT TO:<x@y>\r\nDATA\r\nFOO\r\nVRFY root\r\nNOOP\r\nSTARTTLS\r\n');
    await c.waitFor('252 2.0.0 root\r\n');
    await c.waitFor(/250 2\.0\.0 Ok\r\n502 5\.5\.2 Error: command not recognized\r\n/);
    for (const l of ['503 5.5.1 Error: need MAIL command', '250 2.0.0 Ok']) assert.ok(c.text.includes(`${l}\r\n`), l);
    c.send('MAIL FROM:<spam@example.net>\r\nRCPT TO:<victim@example.org>\r\nRCPT TO:<two@example.org>\r\nDATA\r\n');
    await c.waitFor('354 End data with <CR><LF>.<CR><LF>\r\n');
    assert.ok(c.text.includes('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n'));
    c.send('Subject: hi\r\n\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n');
    await c.waitFor(/250 2\.0\.0 Ok: queued as [0-9A-F]{10,12}\r\n221 2\.0\.0 Bye\r\n/);
    await c.waitClosed();
    const auths = of('honeypot.auth').map((e) => [e.data.method, e.data.username, e.data.password, e.data.success]);
    assert.deepEqual(auths.slice(0, 2), [['password', 'bob@example.org', 'pa ss', false], ['password', 'alice', 's3cret', false]]);
    const up = await waitUntil('upload', () => of('honeypot.upload').find((e) => e.data.filename === 'victim@example.org'));
    assert.equal(up.data.via, 'smtp');
    assert.equal(readFileSync(up.data.quarantine!, 'utf8'), 'Subject: hi\r\n\r\n.dot\r\nbody\r\n');
    assert.ok(of('honeypot.command').some((e) => e.data.input === 'FOO' && !e.data.known));
  });

  it('BDAT chunks, the size limit, and the per-session message cap', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 ');
    c.send('EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<bdat@example.org>\r\nBDAT 5\r\nhelloBDAT 6 LAST\r\n world\r\n');
    await c.waitFor(/250 2\.0\.0 Ok: 5 bytes\r\n250 2\.0\.0 Ok: queued as \w+\r\n/);
    const up = await waitUntil('bdat upload', () => of('honeypot.upload').find((e) => e.data.filename === 'bdat@example.org'));
    assert.equal(readFileSync(up.data.quarantine!, 'utf8'), 'hello world');
    c.send(`MAIL FROM:<a@b> SIZE=200000\r\nMAIL FROM:<a@b>\r\nRCPT TO:<big@example.org>\r\nDATA\r\n${'Z'.repeat(150_000)}\r\n.\r\n`);
    await c.waitFor('552 5.3.4 Error: message file too big\r\n');
    assert.ok(c.text.includes('552 5.3.4 Message size exceeds fixed limit\r\n'));
    const big = await waitUntil('big upload', () => of('honeypot.upload').find((e) => e.data.filename === 'big@example.org'));
    assert.equal(big.data.truncated, true);
    assert.equal(big.data.size, 100_000);
    c.send('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nx\r\n.\r\nMAIL FROM:<a@b>\r\n');
    await c.waitFor('452 4.3.1 Insufficient system storage\r\n');
    c.close();
  });

  it('too many errors: 421 and close', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 ');
    c.send('X\r\n'.repeat(25));
    await c.waitFor('421 4.7.0 fs01.localdomain Error: too many errors\r\n');
    await c.waitClosed();
  });

  it('fuzz at the port: random bytes and abrupt closes never crash it, every session ends, it still answers', { timeout: 120_000 }, async () => {
    await fc.assert(fc.asyncProperty(hostileChunks(fc, ['EHLO x\r\n', 'EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n', 'EHLO x\r\nAUTH LOGIN\r\n', 'EHLO x\r\nMAIL FROM:<a>\r\nRCPT TO:<b>\r\nBDAT 1000\r\n']), async (chunks) => blast(port, chunks)), { numRuns: 60 });
    await waitUntil('sessions closed', () => svc.listener.sessions() === 0 || undefined, 10_000);
    const c = new RawClient(port);
    await c.waitFor('220 fs01.localdomain ESMTP Postfix (Debian/GNU)\r\n');
    c.close();
  });
});

describe('smtp with real clients', { skip: toolSkip }, () => {
  it('swaks with AUTH LOGIN: the credentials are captured', async () => {
    const r = await run('swaks', ['--server', `127.0.0.1:${port}`, '--to', 'x@example.org', '--from', 'y@example.net', '--auth', 'LOGIN', '--auth-user', 'u', '--auth-password', 'p@ss w', '--timeout', '15']);
    assert.match(r.out, /535 5\.7\.8 Error: authentication failed/, r.out);
    assert.ok(of('honeypot.auth').some((e) => e.data.username === 'u' && e.data.password === 'p@ss w'));
  });

  it('swaks without AUTH: the message is accepted, queued and stored', async () => {
    const r = await run('swaks', ['--server', `127.0.0.1:${port}`, '--to', 'relay-test@example.org', '--from', 'y@example.net', '--header', 'Subject: relay test', '--body', 'open relay?', '--timeout', '15']);
    assert.match(r.out, /250 2\.0\.0 Ok: queued as [0-9A-F]+/, r.out);
    const up = await waitUntil('swaks upload', () => of('honeypot.upload').find((e) => e.data.filename === 'relay-test@example.org'));
    const text = readFileSync(up.data.quarantine!, 'utf8');
    assert.match(text, /Subject: relay test/);
    assert.match(text, /open relay\?/);
  });

  it('hydra smtp: every attempt recorded with the exact credentials', async () => {
    const pw = ['123456', 'pa ss', 'x"y$z', 'Ünïcødé', 'qwerty'];
    writeFileSync(join(svc.dir, 'smtp-pw.txt'), `${pw.join('\n')}\n`);
    const r = await run('hydra', ['-l', 'victim', '-P', join(svc.dir, 'smtp-pw.txt'), '-t', '2', '-s', String(port), '127.0.0.1', 'smtp']);
    await new Promise((res) => setTimeout(res, 200));
    const seen = of('honeypot.auth').filter((e) => e.data.username === 'victim').map((e) => e.data.password ?? '?');
    assertHydraAttempts(seen, pw, r.out);
  });

  it('nmap -sV names Postfix smtpd', { timeout: 200_000 }, async () => {
    const line = await nmapServiceLine(port);
    assert.match(line, /open\s+smtp\s+Postfix smtpd/, line);
  });
});
