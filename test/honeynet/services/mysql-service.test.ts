/**
 * The MySQL/MariaDB honeypot: greeting and handshake parsing, the exact Access denied packet, and the real tools
 * on loopback — the mariadb client (its printed error, and the captured proof recomputed from the password),
 * `nmap -sV`, hydra. Tools missing fail under CI=true (.ci/run installs mariadb-client, nmap, hydra).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { accessDenied, CLIENT, greeting, makeScramble, nativePassword, packet, PacketReader, parseHandshakeResponse } from '../../../src/honeynet/services/mysql/mysql-protocol.js';
import { mysqlRelease } from '../../../src/honeynet/services/mysql/mysql-release.js';
import { mysqlService } from '../../../src/honeynet/services/mysql/mysql-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authEvents, converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { startTestService, type TestService } from './service-harness.js';
import { assertHydraAttempts } from './hydra-attempts.js';

const UBUNTU: Persona = { ...TEST_PERSONA, os: { ...TEST_PERSONA.os, id: 'ubuntu', versionId: '24.04', version: '24.04.1 LTS (Noble Numbat)' } };

/** A HandshakeResponse41 as libmariadb sends it. */
function handshakeResponse(o: { user: string; auth: Buffer; db?: string; plugin?: string; attrs?: Record<string, string>; caps?: number }): Buffer {
  const caps = o.caps ?? (CLIENT.PROTOCOL_41 | CLIENT.SECURE_CONNECTION | CLIENT.PLUGIN_AUTH | CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT.CONNECT_ATTRS | (o.db ? CLIENT.CONNECT_WITH_DB : 0));
  const head = Buffer.alloc(32);
  head.writeUInt32LE(caps, 0);
  head.writeUInt32LE(1 << 24, 4);
  head[8] = 45;
  const lenenc = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
  const attrs = Buffer.concat(Object.entries(o.attrs ?? {}).flatMap(([k, v]) => [lenenc(Buffer.from(k)), lenenc(Buffer.from(v))]));
  return Buffer.concat([head, Buffer.from(`${o.user}\0`), lenenc(o.auth), o.db ? Buffer.from(`${o.db}\0`) : Buffer.alloc(0), Buffer.from(`${o.plugin ?? 'mysql_native_password'}\0`), lenenc(attrs)]);
}

function scrambleOf(greetingPayload: Buffer): Buffer {
  const vEnd = greetingPayload.indexOf(0, 1);
  const part1 = greetingPayload.subarray(vEnd + 5, vEnd + 13);
  const part2 = greetingPayload.subarray(vEnd + 13 + 1 + 2 + 1 + 2 + 2 + 1 + 10, vEnd + 13 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 12);
  return Buffer.concat([part1, part2]);
}

describe('MySQL protocol', () => {
  it('greeting: v10, the persona release, 20-byte scramble, no CLIENT_SSL, the default plugin', () => {
    const rel = mysqlRelease(TEST_PERSONA);
    assert.equal(rel.version, '5.5.5-10.11.19-MariaDB-0+deb12u1');
    assert.equal(mysqlRelease(UBUNTU).version, '8.0.40-0ubuntu0.24.04.1');
    assert.equal(mysqlRelease({ ...UBUNTU, os: { ...UBUNTU.os, versionId: '22.04' } }).version, '8.0.40-0ubuntu0.22.04.1');
    const scramble = makeScramble(randomBytes);
    assert.equal(scramble.length, 20);
    assert.ok(!scramble.includes(0));
    const g = greeting(rel, 42, scramble);
    assert.equal(g[0], 10);
    assert.equal(g.subarray(1, g.indexOf(0, 1)).toString(), rel.version);
    assert.deepEqual(scrambleOf(g), scramble);
    const v = g.indexOf(0, 1);
    assert.equal(g.readUInt32LE(v + 1), 42);
    assert.equal(g.readUInt16LE(v + 14) & CLIENT.SSL, 0);
    assert.equal(g.readUInt16LE(v + 14), 0xf7fe, 'MariaDB 10.11 lower capabilities, as the real server sends them (TLS off)');
    assert.ok(g.subarray(-22).toString().endsWith('mysql_native_password\0'));
    assert.ok(greeting(mysqlRelease(UBUNTU), 1, scramble).toString().endsWith('caching_sha2_password\0'));
  });

  it('HandshakeResponse41: user, auth response, database, plugin, attributes; SSLRequest; garbage → null', () => {
    const auth = nativePassword('pw', Buffer.alloc(20, 0x41));
    const h = parseHandshakeResponse(handshakeResponse({ user: 'root', auth, db: 'shop', attrs: { _client_name: 'libmariadb', program_name: 'mysql' } }));
    assert.deepEqual(h && { u: h.username, a: h.authResponse, d: h.database, p: h.plugin, attrs: h.attrs, ssl: h.ssl }, { u: 'root', a: auth, d: 'shop', p: 'mysql_native_password', attrs: { _client_name: 'libmariadb', program_name: 'mysql' }, ssl: false });
    const ssl = Buffer.alloc(32);
    ssl.writeUInt32LE(CLIENT.PROTOCOL_41 | CLIENT.SSL, 0);
    assert.equal(parseHandshakeResponse(ssl)?.ssl, true);
    assert.equal(parseHandshakeResponse(Buffer.from('GET / HTTP/1.0\r\n\r\n')), null);
  });

  it('the Access denied ERR packet, byte for byte', () => {
    const text = "#28000Access denied for user 'root'@'10.0.0.9' (using password: YES)";
    assert.deepEqual(packet(2, accessDenied('root', '10.0.0.9', true)), Buffer.concat([Buffer.from([3 + text.length, 0, 0, 2, 0xff, 0x15, 0x04]), Buffer.from(text)]));
    assert.match(accessDenied('a', 'b', false).toString(), /\(using password: NO\)$/);
  });

  it('random bytes: the packet reader and handshake parser never throw and stay bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 20 }), (chunks) => {
        const r = new PacketReader(1024);
        for (const c of chunks) {
          for (const p of r.feed(c)) parseHandshakeResponse(p.payload);
          assert.ok(r.buffered <= 1024 + 4 + 3000);
          parseHandshakeResponse(Buffer.from(c));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('MySQL honeypot on loopback', () => {
  let maria: TestService;
  let mysql8: TestService;
  before(async () => {
    maria = await startTestService(mysqlService(), { persona: TEST_PERSONA, settings: {}, limits: LIMITS, session: SESSION, ...FILES });
    mysql8 = await startTestService(mysqlService(), { persona: UBUNTU, settings: {}, limits: LIMITS, session: SESSION, ...FILES });
  });
  after(async () => {
    await maria?.close();
    await mysql8?.close();
  });

  it('a scripted login: the proof captured in hashcat 11200 form (it verifies), then Access denied with seq 2, then close', async () => {
    let scramble: Buffer = Buffer.alloc(0);
    const r = await new Promise<{ replies: Buffer[]; closed: boolean }>((resolve) => {
      // converse() sends fixed chunks; this one needs the scramble first.
      void import('node:net').then(({ connect }) => {
        const s = connect(maria.listener.address.port, '127.0.0.1');
        const replies: Buffer[] = [];
        s.on('data', (d) => {
          replies.push(d);
          if (replies.length === 1) {
            scramble = scrambleOf(d.subarray(4));
            s.write(packet(1, handshakeResponse({ user: "o'brien", auth: nativePassword('hunter2', scramble), db: 'shop', attrs: { _client_name: 'pymysql', program_name: 'scan' } })));
          }
        });
        s.on('close', () => resolve({ replies, closed: true }));
      });
    });
    const reply = Buffer.concat(r.replies.slice(1));
    assert.deepEqual(reply, packet(2, accessDenied("o'brien", '127.0.0.1', true)));
    await sleep(100);
    const a = authEvents(maria.events, 'mysql').at(-1)!;
    assert.deepEqual({ ...a, src_port: 0, dst_port: 0 }, { service: 'mysql', src_ip: '127.0.0.1', src_port: 0, dst_ip: '127.0.0.1', dst_port: 0, protocol: 'tcp', method: 'challenge-response', response: `$mysqlna$${scramble.toString('hex')}*${nativePassword('hunter2', scramble).toString('hex')}`, hash_type: 'mysql-native', username: "o'brien", success: false, database: 'shop', client: 'scan (pymysql)' });
  });

  it('an SSLRequest (TLS never offered) closes the connection; garbage gets "Bad handshake"', async () => {
    const ssl = Buffer.alloc(32);
    ssl.writeUInt32LE(CLIENT.PROTOCOL_41 | CLIENT.SSL, 0);
    const r = await converse(maria.listener.address.port, [packet(1, ssl)]);
    assert.ok(r.closed);
    assert.equal(r.replies.slice(1).join(''), '');
    const g = await converse(maria.listener.address.port, [packet(1, Buffer.from('GET / HTTP/1.0\r\n\r\n'))]);
    assert.ok(g.closed);
    assert.deepEqual(g.replies[1], Buffer.from('\x16\x00\x00\x02\xff\x13\x04#08S01Bad handshake', 'latin1'));
  });

  it('an oversized packet closes the connection; random bytes never stop the service', async () => {
    const r = await converse(maria.listener.address.port, [Buffer.from([0xff, 0xff, 0xff, 1])]);
    assert.ok(r.closed);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 5 }), async (chunks) => {
        await converse(maria.listener.address.port, chunks.map((c) => Buffer.from(c)), 5);
      }),
      { numRuns: 30 },
    );
    const ok = await converse(maria.listener.address.port, []);
    assert.equal(ok.replies[0]![4], 10);
  });

  describe('mariadb client', { skip: missing('mariadb', 'mariadb-client') }, () => {
    for (const [label, get] of [['MariaDB persona (mysql_native_password)', () => maria], ['MySQL 8 persona (caching_sha2_password, switched to native)', () => mysql8]] as const) {
      it(`${label}: the exact error the client prints; the captured proof verifies against the password`, async () => {
        const svc = get();
        const r = await run('mariadb', ['-h', '127.0.0.1', '-P', String(svc.listener.address.port), '-u', 'root', '-psecret', 'inventory', '-e', 'select 1']);
        assert.equal(r.code, 1);
        assert.equal(r.stderr.trim(), "ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1' (using password: YES)");
        const none = await run('mariadb', ['-h', '127.0.0.1', '-P', String(svc.listener.address.port), '-u', 'admin', '-e', 'select 1']);
        assert.equal(none.stderr.trim(), "ERROR 1045 (28000): Access denied for user 'admin'@'127.0.0.1' (using password: NO)");
        await sleep(100);
        const [hit, empty] = authEvents(svc.events, 'mysql').slice(-2);
        assert.equal(hit!.method, 'challenge-response');
        assert.equal(hit!.hash_type, 'mysql-native');
        assert.equal(hit!.database, 'inventory');
        assert.match(hit!.client ?? '', /^mysql \(libmariadb/);
        const [scramble, response] = hit!.response!.replace('$mysqlna$', '').split('*') as [string, string];
        assert.equal(response, nativePassword('secret', Buffer.from(scramble, 'hex')).toString('hex'));
        assert.deepEqual([empty!.method, empty!.username, empty!.password], ['password', 'admin', '']);
      });
    }
  });

  describe('nmap -sV', { skip: missing('nmap', 'nmap') }, () => {
    it('names MySQL and the version string of the persona release (MariaDB)', async () => {
      const line = await nmapServiceLine(maria.listener.address.port);
      assert.match(line, /open\s+mysql\s+MySQL 5\.5\.5-10\.11\.19-MariaDB-0\+deb12u1/, line);
    });
    it('names MySQL 8 for an Ubuntu persona', async () => {
      const line = await nmapServiceLine(mysql8.listener.address.port);
      assert.match(line, /open\s+mysql\s+MySQL 8\.0\.40-0ubuntu0\.24\.04\.1/, line);
    });
  });

  describe('hydra', { skip: missing('hydra', 'hydra') }, () => {
    for (const [label, get] of [['MariaDB', () => maria], ['MySQL 8', () => mysql8]] as const) {
      it(`hydra mysql (${label}): every attempt recorded, each response recomputes from one of the passwords`, async () => {
        const svc = get();
        const passwords = ['123456', 'root', 'pa ss', 'x"y$z', 'Ünïcødé'];
        const file = join(svc.dir, 'pw.txt');
        writeFileSync(file, `${passwords.join('\n')}\n`);
        const before = authEvents(svc.events, 'mysql').length;
        const r = await run('hydra', ['-I', '-l', 'root', '-P', file, '-t', '2', '-s', String(svc.listener.address.port), '127.0.0.1', 'mysql'], { timeout: 120_000 });
        assert.match(r.stdout, /0 valid password/, r.stdout + r.stderr);
        await sleep(200);
        const all = authEvents(svc.events, 'mysql').slice(before).filter((a) => a.username === 'root');
        const tried = all.map((a) => {
          if (!a.response) return a.password ?? '?';
          const [s, resp] = a.response.replace('$mysqlna$', '').split('*') as [string, string];
          return passwords.find((p) => nativePassword(p, Buffer.from(s, 'hex')).toString('hex') === resp) ?? `?${a.response}`;
        });
        assertHydraAttempts(tried, passwords, r.stdout);
      });
    }
  });
});
