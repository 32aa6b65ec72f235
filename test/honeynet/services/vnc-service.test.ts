/**
 * The VNC honeypot: the RFB handshake for 3.8, 3.7 and 3.3 clients byte by byte, the captured response checked
 * against the DES response computed here for a known password, hydra's attempts each matched to the exact
 * password it tried, nmap -sV, and a fuzz of the handshake. Tools missing fail under CI=true.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AnyEvent } from '../../../src/core/events.js';
import { ExactReader, parseClientVersion, securityResultFailed, vncHash, vncResponse } from '../../../src/honeynet/services/vnc/vnc-protocol.js';
import { vncService } from '../../../src/honeynet/services/vnc/vnc-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { which } from '../ssh-profile/nmap-enum-algos.js';
import { blast, hostileChunks, LIMITS, nmapServiceLine, RawClient, run, SESSION, toolsOrSkip, waitUntil } from './ftp-smtp-vnc-helpers.js';
import { startTestService, type TestService } from './service-harness.js';
import { assertHydraAttempts } from './hydra-attempts.js';

const toolSkip = toolsOrSkip({ hydra: which('hydra'), nmap: which('nmap') }, 'hydra nmap');

let svc: TestService;
let port: number;
before(async () => {
  svc = await startTestService(vncService(), { persona: TEST_PERSONA, settings: {}, limits: LIMITS, session: SESSION, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24 });
  port = svc.listener.address.port;
});
after(async () => {
  await svc?.close();
});

const auths = () => svc.events.filter((e): e is Extract<AnyEvent, { type: 'honeypot.auth' }> => e.type === 'honeypot.auth');

/** The challenge and response of a `$vnc$*C*R` string. */
function split(hash: string): { challenge: Buffer; response: Buffer } {
  const m = /^\$vnc\$\*([0-9A-F]{32})\*([0-9A-F]{32})$/.exec(hash);
  assert.ok(m, hash);
  return { challenge: Buffer.from(m[1]!, 'hex'), response: Buffer.from(m[2]!, 'hex') };
}

describe('vnc protocol pieces', () => {
  it('client versions per RFC 6143', () => {
    assert.equal(parseClientVersion(Buffer.from('RFB 003.008\n')), '3.8');
    assert.equal(parseClientVersion(Buffer.from('RFB 003.007\n')), '3.7');
    assert.equal(parseClientVersion(Buffer.from('RFB 003.003\n')), '3.3');
    assert.equal(parseClientVersion(Buffer.from('RFB 003.889\n')), '3.8');
    assert.equal(parseClientVersion(Buffer.from('RFB 003.005\n')), '3.3');
    assert.equal(parseClientVersion(Buffer.from('GET / HTTP/1\n')), null);
  });

  it('SecurityResult failed: the reason only in 3.8', () => {
    assert.deepEqual(securityResultFailed('3.3'), Buffer.from([0, 0, 0, 1]));
    assert.deepEqual(securityResultFailed('3.8'), Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 21]), Buffer.from('Authentication failed')]));
  });

  it('the VNC DES response matches a known vector', () => {
    // vncpasswd stores "password" as dbd83cfd727a1458: the same d3des (key bytes bit-reversed) with the fixed
    // key 17 52 6b 06 23 4e 58 07 as the "password" and "password" as the challenge.
    const fixedKey = Buffer.from([23, 82, 107, 6, 35, 78, 88, 7]).toString('latin1');
    assert.equal(vncResponse(Buffer.from('passwordpassword'), fixedKey).toString('hex'), 'dbd83cfd727a1458'.repeat(2));
    const ch = Buffer.from([...Array(16).keys()]);
    const r = vncResponse(ch, 'password');
    assert.equal(r.length, 16);
    assert.notDeepEqual(r, vncResponse(ch, 'passwore'));
    assert.deepEqual(vncResponse(ch, 'password'), vncResponse(ch, 'password-is-longer-than-8'));
    assert.equal(vncHash(Buffer.alloc(16, 0xab), Buffer.alloc(16, 1)), `$vnc$*${'AB'.repeat(16)}*${'01'.repeat(16)}`);
  });

  it('fuzz: the exact reader never holds more than asked and random bytes never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 30 }), fc.integer({ min: 1, max: 16 }), (chunks, n) => {
        const r = new ExactReader();
        r.expect(n);
        for (const c of chunks) {
          let rest: Buffer = Buffer.from(c);
          while (rest.length > 0) {
            const [got, left] = r.feed(rest);
            assert.ok(r.buffered <= n);
            if (got) {
              assert.equal(got.length, n);
              parseClientVersion(got);
              r.expect(n);
            }
            if (left.length === rest.length) break;
            rest = left;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('vnc handshake', () => {
  for (const [ver, expectTypes] of [['3.8', true], ['3.7', true], ['3.3', false]] as const) {
    it(`RFB ${ver}: challenge, response captured, SecurityResult failed`, async () => {
      const c = new RawClient(port);
      await c.waitBytes(12);
      assert.equal(c.bytes.subarray(0, 12).toString(), 'RFB 003.008\n');
      c.send(`RFB 003.00${ver[2]}\n`);
      let off = 12;
      if (expectTypes) {
        await c.waitBytes(14);
        assert.deepEqual(c.bytes.subarray(12, 14), Buffer.from([1, 2]));
        c.send(Buffer.from([2]));
        off = 14;
      } else {
        await c.waitBytes(16);
        assert.deepEqual(c.bytes.subarray(12, 16), Buffer.from([0, 0, 0, 2]));
        off = 16;
      }
      await c.waitBytes(off + 16);
      const challenge = c.bytes.subarray(off, off + 16);
      const password = `pw-${ver}`;
      c.send(vncResponse(challenge, password));
      await c.waitClosed();
      const result = c.bytes.subarray(off + 16);
      assert.deepEqual(result, securityResultFailed(ver));
      const ev = await waitUntil('auth', () => auths().find((e) => e.data.response?.includes(challenge.toString('hex').toUpperCase())));
      assert.equal(ev.data.method, 'challenge-response');
      assert.equal(ev.data.hash_type, 'vnc');
      assert.equal(ev.data.success, false);
      const { response } = split(ev.data.response!);
      assert.deepEqual(response, vncResponse(challenge, password), 'the recorded response is the DES response of the password');
    });
  }

  it('a type not offered, and garbage instead of a version, end the connection', async () => {
    const a = new RawClient(port);
    await a.waitBytes(12);
    a.send('RFB 003.008\n');
    await a.waitBytes(14);
    a.send(Buffer.from([1]));
    await a.waitClosed();
    assert.deepEqual(a.bytes.subarray(14, 18), Buffer.from([0, 0, 0, 1]));
    const b = new RawClient(port);
    await b.waitBytes(12);
    b.send('GET / HTTP/1.1\r\n\r\n');
    await b.waitClosed();
  });

  it('fuzz at the port: random bytes and abrupt closes never crash it, every session ends, it still answers', { timeout: 120_000 }, async () => {
    await fc.assert(fc.asyncProperty(hostileChunks(fc, ['RFB 003.008\n', 'RFB 003.003\n', 'RFB 003.007\n\u0002']), async (chunks) => blast(port, chunks)), { numRuns: 60 });
    await waitUntil('sessions closed', () => svc.listener.sessions() === 0 || undefined, 10_000);
    const c = new RawClient(port);
    await c.waitBytes(12);
    c.close();
  });
});

describe('vnc with real clients', { skip: toolSkip }, () => {
  it('hydra vnc: every password it tried is recorded (matched by its DES response)', async () => {
    const pw = ['123456', 'password', 'vnc', 'x"y$z', 'letmein'];
    writeFileSync(join(svc.dir, 'vnc-pw.txt'), `${pw.join('\n')}\n`);
    const before = auths().length;
    const r = await run('hydra', ['-P', join(svc.dir, 'vnc-pw.txt'), '-t', '1', '-s', String(port), '127.0.0.1', 'vnc']);
    await new Promise((res) => setTimeout(res, 200));
    const tried = auths().slice(before).map((e) => {
      const { challenge, response } = split(e.data.response!);
      return pw.find((p) => vncResponse(challenge, p).equals(response)) ?? '?';
    });
    assertHydraAttempts(tried, pw, r.out);
  });

  it('nmap -sV names VNC (protocol 3.8)', { timeout: 200_000 }, async () => {
    const line = await nmapServiceLine(port);
    assert.match(line, /open\s+vnc\s+VNC \(protocol 3\.8\)/, line);
  });
});
