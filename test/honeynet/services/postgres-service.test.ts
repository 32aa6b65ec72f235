/**
 * The PostgreSQL honeypot: startup packets (SSL/GSS refused, CancelRequest, v3, other versions), the exact
 * FATAL responses with their F/L/R fields, md5 and cleartext capture, and the real tools on loopback — psql
 * (the printed error; the captured md5 recomputed from the password), `nmap -sV`, hydra. Tools missing fail
 * under CI=true (postgresql-client, nmap, hydra).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { errorResponse, GSSENC_REQUEST, md5Password, parseErrorFields, parseStartup, PgReader, SSL_REQUEST } from '../../../src/honeynet/services/postgres/postgres-protocol.js';
import { postgresRelease } from '../../../src/honeynet/services/postgres/postgres-release.js';
import { parseClientFinal, parseSaslInitial, scramProof } from '../../../src/honeynet/services/postgres/postgres-scram.js';
import { postgresService } from '../../../src/honeynet/services/postgres/postgres-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authEvents, converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { startTestService, type TestService } from './service-harness.js';
import { assertHydraAttempts } from './hydra-attempts.js';

function startup(params: Record<string, string>, version = 196608): Buffer {
  const body = Buffer.from(`${Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.writeUInt32BE(version, 4);
  return Buffer.concat([head, body]);
}
function code(c: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(8, 0);
  b.writeUInt32BE(c, 4);
  return b;
}
function password(text: string): Buffer {
  const body = Buffer.from(`${text}\0`);
  const head = Buffer.alloc(5);
  head.write('p');
  head.writeUInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
/** Fields of the ErrorResponse at the start of `b`. */
function errorFields(b: Buffer): Record<string, string> {
  assert.equal(String.fromCharCode(b[0]!), 'E');
  return parseErrorFields(b.subarray(5, 1 + b.readUInt32BE(1)));
}
/** nmap's SMBProgNeg probe, which a PostgreSQL server reads as a startup packet of protocol 65363.19778. */
const SMB_PROBE = Buffer.concat([Buffer.from('000000a4ff534d4272000000000801400000000000000000000000000000400600000100008100', 'hex'), Buffer.from('\x02PC NETWORK PROGRAM 1.0\0\x02MICROSOFT NETWORKS 1.03\0\x02MICROSOFT NETWORKS 3.0\0\x02LANMAN1.0\0\x02LM1.2X002\0\x02Samba\0\x02NT LANMAN 1.0\0\x02NT LM 0.12\0', 'latin1')]);

describe('PostgreSQL protocol', () => {
  it('startup packets', () => {
    assert.deepEqual(parseStartup(code(SSL_REQUEST).subarray(4)), { kind: 'ssl' });
    assert.deepEqual(parseStartup(code(GSSENC_REQUEST).subarray(4)), { kind: 'gssenc' });
    assert.deepEqual(parseStartup(startup({ user: 'u', database: 'd', application_name: 'psql' }).subarray(4)), { kind: 'startup', major: 3, minor: 0, params: { user: 'u', database: 'd', application_name: 'psql' } });
    assert.deepEqual(parseStartup(SMB_PROBE.subarray(4)), { kind: 'unsupported', major: 65363, minor: 19778 });
    assert.deepEqual(parseStartup(Buffer.from([0, 3, 0, 0, 0x75])), { kind: 'layout' });
  });

  it('md5 as libpq computes it; ErrorResponse fields in the server order', () => {
    // PostgreSQL 15: select 'md5' || md5(md5('secretpostgres') || 'abcd')
    assert.equal(md5Password('secret', 'postgres', Buffer.from('abcd')), 'md568a34aeb823f3662497ea0b9fb65e46a');
    const e = errorResponse({ severity: 'FATAL', code: '28P01', message: 'm', file: 'auth.c', line: 323, routine: 'auth_failed' });
    assert.equal(e.subarray(5).toString('latin1'), 'SFATAL\0VFATAL\0C28P01\0Mm\0Fauth.c\0L323\0Rauth_failed\0\0');
  });

  it('the release follows the persona OS', () => {
    assert.equal(postgresRelease(TEST_PERSONA).major, 15);
    assert.equal(postgresRelease({ ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '24.04' } }).major, 16);
    assert.equal(postgresRelease({ ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '22.04' } }).major, 14);
  });

  it('random bytes: the reader never throws and holds at most one capped message', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 20 }), (afterStartup, chunks) => {
        const r = new PgReader(1024);
        r.startupDone = afterStartup;
        for (const c of chunks) {
          r.feed(c);
          assert.ok(r.buffered <= 10_000 + 3000);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('SCRAM-SHA-256 messages', () => {
  it('parses what libpq sends, rejects malformed ones, never throws on random bytes', () => {
    const initial = Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), Buffer.from([0, 0, 0, 32]), Buffer.from('n,,n=,r=abcdefghijklmnopqrstuvwx')]);
    assert.deepEqual(parseSaslInitial(initial), { user: '', nonce: 'abcdefghijklmnopqrstuvwx', bare: 'n=,r=abcdefghijklmnopqrstuvwx' });
    assert.equal(parseSaslInitial(Buffer.from('SCRAM-SHA-1\0\0\0\0\x05n,,n=')), null);
    assert.deepEqual(parseClientFinal(Buffer.from('c=biws,r=abcXYZ,p=AAEC')), { withoutProof: 'c=biws,r=abcXYZ', nonce: 'abcXYZ', proof: Buffer.from([0, 1, 2]) });
    assert.equal(parseClientFinal(Buffer.from('c=biws,r=abc')), null);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        parseSaslInitial(Buffer.from(b));
        parseClientFinal(Buffer.from(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('PostgreSQL honeypot on loopback', () => {
  let md5: TestService;
  let clear: TestService;
  let scram: TestService;
  before(async () => {
    md5 = await startTestService(postgresService(), { persona: TEST_PERSONA, settings: { authMethod: 'md5' }, limits: LIMITS, session: SESSION, ...FILES });
    scram = await startTestService(postgresService(), { persona: TEST_PERSONA, settings: {}, limits: LIMITS, session: SESSION, ...FILES });
    clear = await startTestService(postgresService(), { persona: TEST_PERSONA, settings: { authMethod: 'password' }, limits: LIMITS, session: SESSION, ...FILES });
  });
  after(async () => {
    await md5?.close();
    await clear?.close();
    await scram?.close();
  });

  it('SSL and GSS refused with N, then md5 with a random salt, the hash captured for hashcat 11100, then FATAL 28P01', async () => {
    const port = md5.listener.address.port;
    const first = await converse(port, [code(GSSENC_REQUEST), code(SSL_REQUEST), startup({ user: 'postgres', database: 'shop', application_name: 'bot' })]);
    assert.deepEqual(first.replies.slice(1, 3).map((b) => b.toString()), ['N', 'N']);
    const req = first.replies[3]!;
    assert.deepEqual([...req.subarray(0, 9)], [0x52, 0, 0, 0, 12, 0, 0, 0, 5]);
    // A second connection gets another salt; this one answers it.
    let salt = Buffer.alloc(0);
    const r = await new Promise<Buffer>((resolve) => {
      void import('node:net').then(({ connect }) => {
        const s = connect(port, '127.0.0.1');
        let got = Buffer.alloc(0);
        s.on('connect', () => s.write(startup({ user: 'postgres', database: 'shop', application_name: 'bot' })));
        s.on('data', (d) => {
          if (salt.length === 0) {
            salt = Buffer.from(d.subarray(9, 13));
            s.write(password(md5Password('secret', 'postgres', salt)));
          } else got = Buffer.concat([got, d]);
        });
        s.on('close', () => resolve(got));
      });
    });
    assert.notDeepEqual(salt, req.subarray(9, 13));
    assert.deepEqual(errorFields(r), { S: 'FATAL', V: 'FATAL', C: '28P01', M: 'password authentication failed for user "postgres"', F: 'auth.c', L: '323', R: 'auth_failed' });
    await sleep(100);
    const a = authEvents(md5.events, 'postgres').at(-1)!;
    assert.deepEqual([a.method, a.username, a.database, a.client, a.hash_type, a.success], ['challenge-response', 'postgres', 'shop', 'bot', 'postgres-md5', false]);
    assert.equal(a.response, `$postgres$postgres*${salt.toString('hex')}*${md5Password('secret', 'postgres', salt).slice(3)}`);
  });

  it('cleartext setting: the password itself is captured', async () => {
    const r = await converse(clear.listener.address.port, [startup({ user: 'admin' }), password('pa ss"word')]);
    assert.deepEqual([...r.replies[1]!], [0x52, 0, 0, 0, 8, 0, 0, 0, 3]);
    assert.equal(errorFields(r.replies[2]!).M, 'password authentication failed for user "admin"');
    await sleep(100);
    const a = authEvents(clear.events, 'postgres').at(-1)!;
    assert.deepEqual([a.method, a.username, a.password, a.database], ['password', 'admin', 'pa ss"word', 'admin']);
  });

  it("other protocol versions, missing user, bad layout: ProcessStartupPacket's FATALs with Debian 12's PostgreSQL 15 lines", async () => {
    const smb = await converse(md5.listener.address.port, [SMB_PROBE]);
    assert.deepEqual(errorFields(smb.replies[1]!), { S: 'FATAL', V: 'FATAL', C: '0A000', M: 'unsupported frontend protocol 65363.19778: server supports 3.0 to 3.0', F: 'postmaster.c', L: '2220', R: 'ProcessStartupPacket' });
    assert.ok(smb.closed);
    const nouser = await converse(md5.listener.address.port, [startup({ database: 'x' })]);
    assert.deepEqual(errorFields(nouser.replies[1]!), { S: 'FATAL', V: 'FATAL', C: '28000', M: 'no PostgreSQL user name specified in startup packet', F: 'postmaster.c', L: '2349', R: 'ProcessStartupPacket' });
    const layout = await converse(md5.listener.address.port, [Buffer.from([0, 0, 0, 9, 0, 3, 0, 0, 0x75])]);
    assert.equal(errorFields(layout.replies[1]!).L, '2332');
    const huge = await converse(md5.listener.address.port, [Buffer.from([0, 1, 0, 0, 0, 3, 0, 0])]);
    assert.ok(huge.closed);
    assert.equal(huge.all.length, 0, 'an invalid length is logged, not answered');
  });

  it('random bytes over the socket never stop the service', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 5 }), async (chunks) => {
        await converse(md5.listener.address.port, chunks.map((c) => Buffer.from(c)), 5);
      }),
      { numRuns: 30 },
    );
    const ok = await converse(md5.listener.address.port, [code(SSL_REQUEST)]);
    assert.equal(ok.replies[1]!.toString(), 'N');
  });

  describe('psql', { skip: missing('psql', 'postgresql-client') }, () => {
    it('the exact FATAL psql prints; the captured md5 recomputes from the password; application_name is the client', async () => {
      const port = String(md5.listener.address.port);
      const r = await run('psql', ['-h', '127.0.0.1', '-p', port, '-U', 'postgres', 'db', '-c', 'select 1'], { env: { PGPASSWORD: 'secret', PGCONNECT_TIMEOUT: '10' } });
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim(), `psql: error: connection to server at "127.0.0.1", port ${port} failed: FATAL:  password authentication failed for user "postgres"`);
      await sleep(100);
      const a = authEvents(md5.events, 'postgres').at(-1)!;
      assert.deepEqual([a.username, a.database, a.client], ['postgres', 'db', 'psql']);
      const [, user, salt, hash] = /^\$postgres\$(.*)\*([0-9a-f]{8})\*([0-9a-f]{32})$/.exec(a.response!)!;
      assert.equal(`md5${hash}`, md5Password('secret', user!, Buffer.from(salt!, 'hex')));
    });

    it('SCRAM-SHA-256 (the default): psql completes the exchange, the captured proof verifies against the password, one salt per user', async () => {
      const port = String(scram.listener.address.port);
      const attempt = async (user: string, password: string) => {
        const r = await run('psql', ['-h', '127.0.0.1', '-p', port, '-U', user, 'db', '-c', 'select 1'], { env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' } });
        assert.equal(r.stderr.trim(), `psql: error: connection to server at "127.0.0.1", port ${port} failed: FATAL:  password authentication failed for user "${user}"`);
        await sleep(100);
        const a = authEvents(scram.events, 'postgres').at(-1)!;
        assert.equal(a.hash_type, 'postgres-scram-sha-256');
        assert.equal(a.username, user);
        const [, iter, salt, authMessage, proof] = a.response!.split('$').filter(Boolean) as [string, string, string, string, string];
        const msg = Buffer.from(authMessage, 'base64').toString();
        assert.ok(scramProof(password, Buffer.from(salt, 'base64'), Number(iter), msg).equals(Buffer.from(proof, 'base64')), 'the proof recomputes from the password');
        assert.ok(!scramProof(`${password}x`, Buffer.from(salt, 'base64'), Number(iter), msg).equals(Buffer.from(proof, 'base64')));
        return salt;
      };
      const s1 = await attempt('postgres', 'pa ss "wörd"');
      const s2 = await attempt('postgres', 'other');
      const s3 = await attempt('admin', 'x');
      assert.equal(s1, s2, 'the same role always shows the same salt, as a real server does');
      assert.notEqual(s1, s3);
    });
  });

  describe('nmap -sV', { skip: missing('nmap', 'nmap') }, () => {
    it('names PostgreSQL DB', async () => {
      const line = await nmapServiceLine(md5.listener.address.port);
      assert.match(line, /open\s+postgresql\s+PostgreSQL DB/, line);
    });
  });

  describe('hydra', { skip: missing('hydra', 'hydra') }, () => {
    it('hydra postgres: every attempt recorded, each md5 recomputes from one of the passwords', async () => {
      const passwords = ['123456', 'postgres', 'pa ss', 'x"y$z', 'Ünïcødé'];
      const file = join(md5.dir, 'pw.txt');
      writeFileSync(file, `${passwords.join('\n')}\n`);
      const before = authEvents(md5.events, 'postgres').length;
      // hydra's postgres module builds a libpq conninfo without the port (-s is ignored): libpq takes PGPORT.
      const r = await run('hydra', ['-I', '-l', 'root', '-P', file, '-t', '2', '-s', String(md5.listener.address.port), '127.0.0.1', 'postgres'], { timeout: 120_000, env: { PGPORT: String(md5.listener.address.port) } });
      assert.match(r.stdout, /0 valid password/, r.stdout + r.stderr);
      await sleep(200);
      const got = authEvents(md5.events, 'postgres').slice(before).filter((a) => a.username === 'root');
      const tried = got.map((a) => {
          const [, user, salt, hash] = /^\$postgres\$(.*)\*([0-9a-f]{8})\*([0-9a-f]{32})$/.exec(a.response ?? '') ?? [];
          return passwords.find((p) => md5Password(p, user ?? '', Buffer.from(salt ?? '', 'hex')) === `md5${hash}`) ?? `?${a.response}`;
      });
      assertHydraAttempts(tried, passwords, r.stdout);
    });
  });
});
