/**
 * The SQL Server honeypot: PRELOGIN, LOGIN7 and DB-Library logins byte by byte, the fallback certificate, fuzzing,
 * and the real tools on loopback — tsql (FreeTDS, TLS for the login only and TLS throughout), hydra's mssql module,
 * `nmap -sV` and the ms-sql NSE scripts. Tools missing fail under CI=true (.ci/run installs freetds-bin, hydra, nmap).
 */
import assert from 'node:assert/strict';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { FALLBACK_CN, makeFallbackCertificate } from '../../../src/honeynet/services/mssql/fallback-cert.js';
import { MSSQL_VERSIONS, mssqlRelease } from '../../../src/honeynet/services/mssql/mssql-release.js';
import { mssqlService } from '../../../src/honeynet/services/mssql/mssql-service.js';
import { buildLogin7, deobfuscatePassword, ntlmNegotiateNames, obfuscatePassword, parseLegacyLogin, parseLogin7 } from '../../../src/honeynet/services/mssql/tds-login.js';
import { PACKET, TdsReader, tdsPackets } from '../../../src/honeynet/services/mssql/tds-packet.js';
import { ENCRYPT, negotiateEncryption, parsePrelogin, preloginRequest, preloginResponse } from '../../../src/honeynet/services/mssql/tds-prelogin.js';
import { errorStream, legacyErrorStream, loginFailed } from '../../../src/honeynet/services/mssql/tds-tokens.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authEvents, converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { assertHydraAttempts } from './hydra-attempts.js';
import { startTestService, type TestService } from './service-harness.js';

const UBUNTU: Persona = { ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '22.04', version: '22.04.5 LTS (Jammy Jellyfish)' } };

/** nmap's ms-sql-s probe (nmap-service-probes): VERSION, ENCRYPTION=OFF, INSTOPT "MSSQLServer", THREADID. */
const NMAP_PROBE = Buffer.from('120100340000000000001500060100' + '1b000102001c000c0300280004ff080001550000004d5353514c53657276657200480f0000', 'hex');

/** hydra 9.4's DB-Library login: two type-2 packets, fixed 30-byte fields (the layout of hydra-mssql.c). */
function hydraLogin(user: string, pass: string): Buffer {
  const rec = Buffer.alloc(567);
  const put = (at: number, s: string, size = 30) => {
    const b = Buffer.from(s, 'utf8');
    b.copy(rec, at);
    rec[at + size] = b.length;
  };
  put(31, user);
  put(62, pass);
  put(93, '000000a0');
  Buffer.from([3, 1, 6, 10, 9, 1, 1, 0]).copy(rec, 124);
  put(140, 'squelda 1.0');
  put(462, 'MSDBLIB', 10);
  const first = rec.subarray(0, 504);
  const second = rec.subarray(504);
  const head = (status: number, len: number, id: number) => Buffer.from([2, status, len >> 8, len & 0xff, 0, 0, id, 0]);
  return Buffer.concat([head(0, 512, 2), first, head(1, 8 + second.length, 2), second]);
}

/** An NTLMSSP NEGOTIATE naming a domain and workstation (OEM strings), as integrated-auth clients send. */
function ntlmNegotiate(domain: string, workstation: string): Buffer {
  const head = Buffer.alloc(40);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(1, 8);
  head.writeUInt32LE(0x00003207 | 0x1000 | 0x2000, 12);
  head.writeUInt16LE(domain.length, 16);
  head.writeUInt16LE(domain.length, 18);
  head.writeUInt32LE(40, 20);
  head.writeUInt16LE(workstation.length, 24);
  head.writeUInt16LE(workstation.length, 26);
  head.writeUInt32LE(40 + domain.length, 28);
  return Buffer.concat([head, Buffer.from(domain + workstation, 'latin1')]);
}

describe('TDS protocol', () => {
  it('releases: real builds only, 2019 CU32 + GDR by default (nmap 7.93 names it), the version setting picks', () => {
    for (const v of MSSQL_VERSIONS) assert.match(v, /^1[5-7]\.0\.\d{4}\.\d+$/);
    for (const p of [TEST_PERSONA, UBUNTU]) assert.equal(mssqlRelease(p).version, '15.0.4480.2');
    const r = mssqlRelease(TEST_PERSONA, '16.0.4265.3');
    assert.deepEqual([r.product, r.level, r.major, r.minor, r.build], ['2022', 'CU26', 16, 0, 4265]);
  });

  it("PRELOGIN: nmap's probe gets the 37-byte answer nmap matches for 2019 (no volunteered MARS: that is Dionaea's tell)", () => {
    const req = parsePrelogin(NMAP_PROBE.subarray(8))!;
    assert.deepEqual([req.tokens, req.encryption, req.instance, req.version], [[0, 1, 2, 3], 0, 'MSSQLServer', '8.0.341.0']);
    const answer = tdsPackets(PACKET.TABULAR_RESULT, preloginResponse(req, mssqlRelease(TEST_PERSONA), negotiateEncryption(req.encryption, false)));
    assert.deepEqual(answer, Buffer.from('0401002500000100' + '0000150006' + '01001b0001' + '02001c0001' + '03001d0000' + 'ff' + '0f0011800000' + '00' + '00', 'hex'));
    // nmap-service-probes: the 2019 line, and not the Dionaea line.
    assert.match(answer.toString('latin1'), /^\x04\x01\x00\x25\x00\x00\x01\x00\x00\x00\x15\x00\x06\x01\x00\x1b\x00\x01\x02\x00\x1c\x00\x01\x03\x00\x1d\x00\x00\xff\x0f\x00/);
    assert.ok(!answer.includes(Buffer.from([0x04, 0x00, 0x22, 0x00, 0x01])));
  });

  it('PRELOGIN: MARS echoed when asked, a foreign instance name flagged, encryption negotiated as SQL Server does', () => {
    const req = parsePrelogin(preloginRequest({ encryption: ENCRYPT.OFF, mars: true, instance: 'SQLEXPRESS' }))!;
    const res = parsePrelogin(preloginResponse(req, mssqlRelease(TEST_PERSONA), ENCRYPT.OFF))!;
    assert.deepEqual([res.tokens, res.mars, res.encryption, res.version], [[0, 1, 2, 3, 4], 0, 0, '15.0.4480.0']);
    assert.equal(preloginResponse(req, mssqlRelease(TEST_PERSONA), ENCRYPT.OFF).at(-2), 1, 'INSTOPT (before MARS): not this instance');
    const table: Array<[number, boolean, number]> = [
      [ENCRYPT.OFF, false, ENCRYPT.OFF], [ENCRYPT.ON, false, ENCRYPT.ON], [ENCRYPT.NOT_SUP, false, ENCRYPT.NOT_SUP], [ENCRYPT.REQ, false, ENCRYPT.ON],
      [ENCRYPT.OFF, true, ENCRYPT.REQ], [ENCRYPT.NOT_SUP, true, ENCRYPT.REQ], [ENCRYPT.ON, true, ENCRYPT.ON],
    ];
    for (const [client, force, server] of table) assert.equal(negotiateEncryption(client, force), server, `client ${client} force ${force}`);
    assert.equal(parsePrelogin(Buffer.from('00ffff0006ff', 'hex')), null, 'an option pointing past the end');
  });

  it('password obfuscation: the MS-TDS transform both ways (a known capture: "password")', () => {
    assert.equal(obfuscatePassword('password').toString('hex'), 'a2a5b3a592a592a5d2a553a582a5e3a5');
    assert.equal(deobfuscatePassword(Buffer.from('a2a5b3a592a592a5d2a553a582a5e3a5', 'hex')), 'password');
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => deobfuscatePassword(obfuscatePassword(s)) === s), { numRuns: 300 });
  });

  it('LOGIN7: host, user, password, app, server, library, language, database, pid; SSPI; bad offsets give ""', () => {
    const l = parseLogin7(buildLogin7({ hostName: 'KALI', userName: 'sa', password: "p'ss w0rd€", appName: 'sqlmap', serverName: '10.0.0.5', libraryName: 'ODBC', language: 'us_english', database: 'master', clientPid: 777 }))!;
    assert.deepEqual({ ...l, sspi: l.sspi }, { tdsVersion: 0x74000004, hostName: 'KALI', userName: 'sa', password: "p'ss w0rd€", appName: 'sqlmap', serverName: '10.0.0.5', libraryName: 'ODBC', language: 'us_english', database: 'master', clientPid: 777, clientMac: '00:00:00:00:00:00', sspi: null });
    const sspi = parseLogin7(buildLogin7({ userName: '', password: '', sspi: ntlmNegotiate('CORP', 'WS7') }))!;
    assert.deepEqual(ntlmNegotiateNames(sspi.sspi!), { domain: 'CORP', workstation: 'WS7' });
    const bad = buildLogin7({ userName: 'sa', password: 'x' });
    bad.writeUInt16LE(0xfff0, 40);
    assert.equal(parseLogin7(bad)!.userName, '');
    assert.equal(parseLogin7(bad.subarray(0, 50)), null);
  });

  it("DB-Library LOGINREC: hydra's fixed fields, UTF-8 bytes kept", () => {
    const packets = new TdsReader(32767, 65536).feed(hydraLogin('sa', 'Ünïcødé'));
    assert.equal(packets.length, 1);
    const l = parseLegacyLogin(packets[0]!.payload)!;
    assert.deepEqual([l.userName, l.password, l.appName, l.libraryName, l.clientPid], ['sa', 'Ünïcødé', 'squelda 1.0', 'MSDBLIB', 0]);
  });

  it('the login-failed token stream, byte for byte (TDS 7.4 and 7.1 widths, DB-Library)', () => {
    const msg = Buffer.from("Login failed for user 'sa'.", 'utf16le');
    const server = Buffer.from('fs01', 'utf16le');
    const body = Buffer.concat([Buffer.from('1848000001' + '0e' + '1b00', 'hex'), msg, Buffer.from([4]), server, Buffer.from('00' + '01000000', 'hex')]);
    const expected = Buffer.concat([Buffer.from([0xaa, body.length, 0]), body, Buffer.from('fd0200000000000000000000' + '00', 'hex')]);
    assert.deepEqual(errorStream(loginFailed('sa', 'fs01'), 0x74000004), expected);
    assert.equal(body.length, 76);
    const old = errorStream(loginFailed('sa', 'fs01'), 0x71000001);
    assert.equal(old.length, expected.length - 2 - 4, 'TDS 7.1: 16-bit line number, 32-bit row count');
    const legacy = legacyErrorStream(loginFailed('sa', 'fs01'));
    assert.equal(legacy.subarray(11, 11 + 27).toString('latin1'), "Login failed for user 'sa'.");
    assert.equal(legacy.at(-9), 0xfd);
  });

  it('the fallback certificate: CN=SSL_Self_Signed_Fallback, self-signed, 30 years from now, a fresh key each time', async () => {
    const now = new Date('2026-03-04T05:06:07Z');
    const [a, b] = await Promise.all([makeFallbackCertificate(now), makeFallbackCertificate(now)]);
    const x = new X509Certificate(a.cert);
    assert.equal(x.subject, `CN=${FALLBACK_CN}`);
    assert.equal(x.issuer, `CN=${FALLBACK_CN}`);
    assert.equal(new Date(x.validFrom).toISOString(), '2026-03-04T05:06:07.000Z');
    assert.equal(new Date(x.validTo).toISOString(), '2056-03-04T05:06:07.000Z');
    assert.ok(x.verify(createPublicKey(a.key)));
    assert.notEqual(x.serialNumber, new X509Certificate(b.cert).serialNumber);
    assert.notEqual(a.key, b.key);
  });

  it('random and malformed bytes: the reader and parsers never throw, buffers stay within their caps', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 20 }), (chunks) => {
        const r = new TdsReader(4096, 8192);
        for (const c of chunks) {
          for (const m of r.feed(c)) {
            parsePrelogin(m.payload);
            parseLogin7(m.payload);
            parseLegacyLogin(m.payload);
          }
          assert.ok(r.buffered <= 4096 + 8192 + 3000);
          const b = Buffer.from(c);
          parsePrelogin(b);
          parseLogin7(b);
          parseLegacyLogin(b);
          ntlmNegotiateNames(b);
        }
      }),
      { numRuns: 400 },
    );
    const huge = new TdsReader(4096, 8192);
    huge.feed(Buffer.from([0x10, 0x01, 0xff, 0xff, 0, 0, 1, 0]));
    assert.equal(huge.failed, 'packet too large');
  });
});

describe('SQL Server honeypot on loopback', () => {
  let svc: TestService;
  let forced: TestService;
  let sql2022: TestService;
  before(async () => {
    svc = await startTestService(mssqlService(), { persona: TEST_PERSONA, settings: {}, limits: LIMITS, session: SESSION, ...FILES });
    forced = await startTestService(mssqlService(), { persona: TEST_PERSONA, settings: { forceEncryption: true, legacyLogin: 'close' }, limits: LIMITS, session: SESSION, ...FILES });
    sql2022 = await startTestService(mssqlService(), { persona: UBUNTU, settings: { version: '16.0.4265.3' }, limits: LIMITS, session: SESSION, ...FILES });
  });
  after(async () => {
    await svc?.close();
    await forced?.close();
    await sql2022?.close();
  });

  it('a scripted login in clear (as nmap sends it): the prelogin answer, credentials recorded, the exact error, close', async () => {
    const login = buildLogin7({ hostName: 'ATTACKER', userName: "o'brien", password: 'hunter2 ', appName: 'scan', libraryName: 'ODBC', database: 'payroll' });
    const r = await converse(svc.listener.address.port, [NMAP_PROBE, tdsPackets(PACKET.LOGIN7, login)]);
    assert.ok(r.closed);
    assert.equal(r.replies[1]!.length, 37);
    const reply = r.replies[2]!;
    assert.deepEqual([reply[0], reply[1], reply.readUInt16BE(2), reply[6]], [0x04, 0x01, reply.length, 1]);
    assert.ok(reply.readUInt16BE(4) >= 51, 'a user SPID');
    assert.deepEqual(reply.subarray(8), errorStream(loginFailed("o'brien", 'fs01'), 0x74000004));
    await sleep(100);
    const a = authEvents(svc.events, 'mssql').at(-1)!;
    assert.deepEqual({ ...a, src_port: 0, dst_port: 0 }, { service: 'mssql', src_ip: '127.0.0.1', src_port: 0, dst_ip: '127.0.0.1', dst_port: 0, protocol: 'tcp', method: 'password', username: "o'brien", password: 'hunter2 ', success: false, database: 'payroll', client: 'scan on ATTACKER (ODBC)' });
  });

  it('integrated (NTLM) login: domain and workstation recorded, refused as a Linux server without AD refuses it', async () => {
    const login = buildLogin7({ hostName: 'WS7', userName: '', password: '', appName: 'nmap', sspi: ntlmNegotiate('CORP', 'WS7') });
    const r = await converse(svc.listener.address.port, [NMAP_PROBE, tdsPackets(PACKET.LOGIN7, login)]);
    assert.ok(r.replies[2]!.includes(Buffer.from('Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.', 'utf16le')));
    assert.equal(r.replies[2]!.readUInt32LE(11), 18452);
    await sleep(100);
    const a = authEvents(svc.events, 'mssql').at(-1)!;
    assert.deepEqual([a.method, a.username, a.domain, a.workstation, a.client], ['none', '', 'CORP', 'WS7', 'nmap on WS7 (ODBC)']);
  });

  it('force encryption: PRELOGIN says ENCRYPT_REQ and a login in clear is dropped unanswered; TDS 8 strict is refused', async () => {
    const r = await converse(forced.listener.address.port, [NMAP_PROBE, tdsPackets(PACKET.LOGIN7, buildLogin7({ userName: 'sa', password: 'x' }))]);
    assert.equal(parsePrelogin(r.replies[1]!.subarray(8))!.encryption, ENCRYPT.REQ);
    assert.equal(r.replies[2]!.length, 0);
    assert.ok(r.closed);
    const strict = await converse(svc.listener.address.port, [Buffer.from('160301002a0100002603035a', 'hex')]);
    assert.ok(strict.closed);
    assert.equal(strict.all.length, 0);
  });

  it('hydra-style DB-Library login: recorded, answered "Login failed" in TDS 4.2 tokens (hydra reads byte 8 != 0xE3), or closed', async () => {
    const r = await converse(svc.listener.address.port, [hydraLogin('sa', 'p@ss')]);
    assert.ok(r.closed);
    assert.equal(r.replies[1]![8], 0xaa);
    // legacyLogin: 'close' — recorded all the same, the connection closed without a word.
    const closed = await converse(forced.listener.address.port, [hydraLogin('sa', 'other')]);
    assert.ok(closed.closed);
    assert.equal(closed.all.length, 0);
    await sleep(100);
    const a = authEvents(svc.events, 'mssql').at(-1)!;
    assert.deepEqual([a.username, a.password, a.client], ['sa', 'p@ss', 'squelda 1.0 (MSDBLIB)']);
    assert.equal(authEvents(forced.events, 'mssql').at(-1)!.password, 'other');
  });

  it('random and malformed TDS (bad and huge lengths, truncated LOGIN7 offsets) never stop the service', async () => {
    const port = svc.listener.address.port;
    for (const bad of [Buffer.from([0x12, 1, 0, 4, 0, 0, 0, 0]), Buffer.from([0x12, 1, 0xff, 0xff, 0, 0, 0, 0]), Buffer.from('GET / HTTP/1.0\r\n\r\n')]) {
      const r = await converse(port, [bad], 100);
      assert.ok(r.closed, bad.toString('hex'));
    }
    const login = buildLogin7({ userName: 'fuzz', password: 'fuzz', database: 'db' });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 93 }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), async (at, value, truncate) => {
        const l = Buffer.from(login);
        l.writeUInt16LE(value, at - (at % 2));
        const body = truncate ? l.subarray(0, Math.max(0, value % l.length)) : l;
        await converse(port, [NMAP_PROBE, tdsPackets(PACKET.LOGIN7, body)], 5);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 5 }), async (chunks) => {
        await converse(port, [NMAP_PROBE, ...chunks.map((c) => Buffer.from(c))], 5);
      }),
      { numRuns: 30 },
    );
    // Garbage where the TLS handshake should be: the TLS layer fails, only that connection closes.
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 3 }), async (hello, more) => {
        const r = await converse(port, [NMAP_PROBE, tdsPackets(PACKET.PRELOGIN, Buffer.concat([Buffer.from([0x16, 3, 1]), hello])), ...more.map((m) => Buffer.from(m))], 5);
        assert.ok(r.all.length < 8192);
      }),
      { numRuns: 30 },
    );
    const ok = await converse(port, [NMAP_PROBE]);
    assert.equal(ok.replies[1]!.length, 37);
    const before = process.memoryUsage().rss;
    await Promise.all(Array.from({ length: 50 }, () => converse(port, [Buffer.concat([Buffer.from([0x10, 0, 0x7f, 0xff, 0, 0, 1, 0]), Buffer.alloc(30_000)])], 50)));
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'half-sent packets are held within their caps');
  });

  describe('tsql (FreeTDS)', { skip: missing('tsql', 'freetds-bin') }, () => {
    it('login-only TLS (the default): prints the real error; user, exact password, database and client recorded', async () => {
      const r = await run('tsql', ['-H', '127.0.0.1', '-p', String(svc.listener.address.port), '-U', 'sa', '-P', 'pa ss', '-D', 'inventory'], { timeout: 60_000 });
      const out = r.stdout + r.stderr;
      assert.match(out, /Msg 18456 \(severity 14, state 1\) from fs01 Line 1:\s+"Login failed for user 'sa'\."/, out);
      await sleep(200);
      const a = authEvents(svc.events, 'mssql').at(-1)!;
      assert.deepEqual([a.method, a.username, a.password, a.database], ['password', 'sa', 'pa ss', 'inventory']);
      assert.match(a.client ?? '', /^TSQL on \S+ \(TDS-Library\)$/);
    });

    it('force encryption: TLS throughout although the client only asked for login encryption', async () => {
      const r = await run('tsql', ['-H', '127.0.0.1', '-p', String(forced.listener.address.port), '-U', 'sa', '-P', 'forced'], { timeout: 60_000 });
      assert.match(r.stdout + r.stderr, /Login failed for user 'sa'\./, r.stdout + r.stderr);
      await sleep(200);
      assert.equal(authEvents(forced.events, 'mssql').at(-1)!.password, 'forced');
    });

    it('TLS throughout (encryption = require): the error comes back inside TLS', async () => {
      const conf = join(svc.dir, 'freetds.conf');
      writeFileSync(conf, '[global]\n\tencryption = require\n');
      const r = await run('tsql', ['-H', '127.0.0.1', '-p', String(svc.listener.address.port), '-U', 'admin', '-P', 'S3cr3t!$'], { env: { FREETDSCONF: conf }, timeout: 60_000 });
      assert.match(r.stdout + r.stderr, /Login failed for user 'admin'\./, r.stdout + r.stderr);
      await sleep(200);
      const a = authEvents(svc.events, 'mssql').at(-1)!;
      assert.deepEqual([a.username, a.password], ['admin', 'S3cr3t!$']);
    });
  });

  describe('hydra', { skip: missing('hydra', 'hydra') }, () => {
    it('hydra mssql: every attempt recorded with the exact password', async () => {
      const passwords = ['123456', 'sa', 'pa ss', 'x"y$z', 'Ünïcødé'];
      const file = join(svc.dir, 'pw.txt');
      writeFileSync(file, `${passwords.join('\n')}\n`);
      const from = authEvents(svc.events, 'mssql').length;
      const r = await run('hydra', ['-I', '-l', 'sa', '-P', file, '-t', '2', '-s', String(svc.listener.address.port), '127.0.0.1', 'mssql'], { timeout: 120_000 });
      assert.match(r.stdout, /0 valid password/, r.stdout + r.stderr);
      await sleep(200);
      const tried = authEvents(svc.events, 'mssql').slice(from).filter((a) => a.username === 'sa').map((a) => a.password ?? '?');
      assertHydraAttempts(tried, passwords, r.stdout);
    });
  });

  describe('nmap', { skip: missing('nmap', 'nmap') }, () => {
    it('-sV names Microsoft SQL Server 2019 with its build; the ms-sql and ssl-cert scripts show a Linux SQL Server', async () => {
      const [line, scripts] = await Promise.all([
        nmapServiceLine(svc.listener.address.port),
        run('nmap', ['-sV', '-Pn', '-p', String(sql2022.listener.address.port), '--script', 'ms-sql-info,ms-sql-ntlm-info,ssl-cert', '127.0.0.1'], { timeout: 300_000 }),
      ]);
      assert.match(line, /open\s+ms-sql-s\s+Microsoft SQL Server 2019 15\.00\.4480\b/, line);
      const out = scripts.stdout;
      assert.match(out, /ms-sql-s\s+Microsoft SQL Server 2022 16\.00\.4265/, out);
      assert.match(out, /ssl-cert: Subject: commonName=SSL_Self_Signed_Fallback/, out);
      assert.match(out, /Public Key bits: 2048/, out);
      // No NTLM challenge: nothing names a Windows domain or build for this Linux host.
      assert.doesNotMatch(out, /NetBIOS_|DNS_Computer_Name|Product_Version|[Hh]oneypot|Dionaea/, out);
    });
  });
});
