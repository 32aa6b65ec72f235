/**
 * The SMB honeypot in both flavors: NetBIOS framing and SMB1/SMB2 messages byte by byte (including what nmap's
 * SMBProgNeg probe gets, checked against the nmap-service-probes match lines), a scripted NTLM login whose
 * captured NetNTLMv2 verifies against the password, the real smbclient over SMB2, SMB3 and an SMB1-first
 * negotiate (each prints NT_STATUS_LOGON_FAILURE and its capture verifies), `nmap -sV` and the SMB scripts, and a
 * fuzz of the parsers and the port. Tools missing fail under CI=true (apt: smbclient nmap).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { authenticateMessage, negotiateMessage, targetInfoOf } from './ntlm-client.js';
import { netNtlmV2Matches } from '../../../src/honeynet/services/ntlm/ntlm-hash.js';
import { windowsComputerName } from '../../../src/honeynet/services/ntlm/ntlm-identity.js';
import { clientNegTokenInit, negTokenResp, OID, parseSpnego } from '../../../src/honeynet/services/ntlm/spnego.js';
import { NbssReader, nbssMessage } from '../../../src/honeynet/services/smb/netbios-frame.js';
import { parseSmb1Negotiate, smb1NoProtocolChosen } from '../../../src/honeynet/services/smb/smb1-negotiate.js';
import { parseNegotiateRequest, parseSessionSetup, parseSmb2Header, STATUS } from '../../../src/honeynet/services/smb/smb2-messages.js';
import { smbService } from '../../../src/honeynet/services/smb/smb-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authEvents, converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { startTestService, type TestService } from './service-harness.js';

const PERSONA: Persona = { ...TEST_PERSONA, hostname: 'files', domain: 'corp.example' };

/** nmap's SMBProgNeg probe (nmap-service-probes): SMB1 NEGOTIATE with only pre-SMB2 dialects. */
const SMB_PROG_NEG = Buffer.from(
  '\0\0\0\xa4\xff\x53\x4d\x42\x72\0\0\0\0\x08\x01\x40\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x40\x06\0\0\x01\0\0\x81\0\x02PC NETWORK PROGRAM 1.0\0\x02MICROSOFT NETWORKS 1.03\0\x02MICROSOFT NETWORKS 3.0\0\x02LANMAN1.0\0\x02LM1.2X002\0\x02Samba\0\x02NT LANMAN 1.0\0\x02NT LM 0.12\0',
  'latin1',
);
/** The nmap-service-probes match lines each flavor's answer must hit ("Samba smbd" / "Microsoft Windows netbios-ssn"). */
const SAMBA_MATCH = /^\0\0\0.\xffSMBr\0\0\0\0\x88..\0\0\0\0\0\0\0\0\0\0\0\0\0\0@\x06\0\0\x01\0\x01\xff\xff\0\0$/s;
const WINDOWS_MATCH = /^\x83\0\0\x01\x8f$/;

/** An SMB1 NEGOTIATE as smbclient sends it first, listing SMB2 dialects. */
function smb1Negotiate(dialects: string[]): Buffer {
  const head = Buffer.alloc(32);
  Buffer.from([0xff, 0x53, 0x4d, 0x42, 0x72]).copy(head);
  head[9] = 0x18;
  head.writeUInt16LE(0xc853, 10);
  const bytes = Buffer.concat(dialects.map((d) => Buffer.from(`\x02${d}\0`, 'latin1')));
  const bc = Buffer.alloc(3);
  bc.writeUInt16LE(bytes.length, 1);
  return nbssMessage(Buffer.concat([head, bc, bytes]));
}

function smb2Header(command: number, messageId: number, sessionId = 0n): Buffer {
  const h = Buffer.alloc(64);
  Buffer.from([0xfe, 0x53, 0x4d, 0x42]).copy(h);
  h.writeUInt16LE(64, 4);
  h.writeUInt16LE(command, 12);
  h.writeUInt16LE(31, 14);
  h.writeBigUInt64LE(BigInt(messageId), 24);
  h.writeBigUInt64LE(sessionId, 40);
  return h;
}

/** SMB2 NEGOTIATE offering 2.0.2–3.1.1 with preauth, encryption and signing contexts. */
function smb2Negotiate(dialects = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311]): Buffer {
  const body = Buffer.alloc(36 + dialects.length * 2);
  body.writeUInt16LE(36, 0);
  body.writeUInt16LE(dialects.length, 2);
  body.writeUInt16LE(1, 4);
  dialects.forEach((d, i) => body.writeUInt16LE(d, 36 + i * 2));
  const ctxs: Buffer[] = [];
  const ctx = (type: number, data: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt16LE(type, 0);
    h.writeUInt16LE(data.length, 2);
    const c = Buffer.concat([h, data]);
    ctxs.push(Buffer.concat([c, Buffer.alloc((8 - (c.length % 8)) % 8)]));
  };
  ctx(1, Buffer.concat([Buffer.from([1, 0, 32, 0, 1, 0]), Buffer.alloc(32, 9)]));
  ctx(2, Buffer.from([2, 0, 2, 0, 1, 0]));
  ctx(8, Buffer.from([2, 0, 1, 0, 2, 0]));
  const start = 64 + body.length;
  const pad = (8 - (start % 8)) % 8;
  body.writeUInt32LE(start + pad, 28);
  body.writeUInt16LE(ctxs.length, 32);
  return nbssMessage(Buffer.concat([smb2Header(0, 0), body, Buffer.alloc(pad), ...ctxs]));
}

function sessionSetup(messageId: number, sessionId: bigint, token: Buffer): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt16LE(25, 0);
  body.writeUInt16LE(64 + 24, 12);
  body.writeUInt16LE(token.length, 14);
  return nbssMessage(Buffer.concat([smb2Header(1, messageId, sessionId), body, token]));
}

/** A client reading NBSS messages off a socket. */
async function smbClient(port: number) {
  const { connect } = await import('node:net');
  const s = connect(port, '127.0.0.1');
  const reader = new NbssReader(1 << 20);
  const queue: Buffer[] = [];
  let closed = false;
  s.on('data', (d: Buffer) => queue.push(...reader.feed(d).map((p) => Buffer.concat([Buffer.from([p.type]), p.body]))));
  s.on('close', () => (closed = true));
  s.on('error', () => undefined);
  await new Promise((r) => s.once('connect', r));
  return {
    send: (b: Buffer) => s.write(b),
    async next(ms = 5000): Promise<Buffer> {
      const deadline = Date.now() + ms;
      while (queue.length === 0) {
        if (closed || Date.now() > deadline) throw new Error('no reply');
        await sleep(10);
      }
      return queue.shift()!.subarray(1);
    },
    close: () => s.destroy(),
  };
}

/** The mechanism OIDs of a NEGOTIATE response's security buffer. */
function negotiateMechs(resp: Buffer): string[] {
  const off = resp.readUInt16LE(64 + 56);
  const len = resp.readUInt16LE(64 + 58);
  const t = parseSpnego(resp.subarray(off, off + len));
  assert.ok(t && t.kind === 'init');
  return t.mechTypes;
}

for (const flavor of ['samba', 'windows'] as const) {
  describe(`SMB honeypot (${flavor})`, () => {
    let svc: TestService;
    let port: number;
    before(async () => {
      svc = await startTestService(smbService(), { persona: PERSONA, settings: { flavor }, limits: LIMITS, session: SESSION, ...FILES });
      port = svc.listener.address.port;
    });
    after(async () => {
      await svc?.close();
    });

    it("nmap's SMBProgNeg (SMB1 only) gets the answer its match line for the flavor expects, then the close", async () => {
      const r = await converse(port, [SMB_PROG_NEG]);
      assert.ok(r.closed);
      const reply = r.replies[1]!.toString('latin1');
      assert.match(reply, flavor === 'samba' ? SAMBA_MATCH : WINDOWS_MATCH, JSON.stringify(reply));
    });

    it('an SMB1 negotiate listing "SMB 2.???" is answered with an SMB2 NEGOTIATE response, dialect 0x02FF', async () => {
      const c = await smbClient(port);
      c.send(smb1Negotiate(['NT LM 0.12', 'SMB 2.002', 'SMB 2.???']));
      const resp = await c.next();
      const h = parseSmb2Header(resp)!;
      assert.deepEqual({ cmd: h.command, mid: h.messageId, status: resp.readUInt32LE(8), flags: h.flags & 1 }, { cmd: 0, mid: 0n, status: 0, flags: 1 });
      assert.equal(resp.readUInt16LE(64), 65);
      assert.equal(resp.readUInt16LE(64 + 4), 0x02ff);
      assert.ok(negotiateMechs(resp).includes(OID.ntlmssp));
      c.close();
    });

    it('SMB2 NEGOTIATE 3.1.1 with contexts, then an NTLM session setup: challenge, capture, STATUS_LOGON_FAILURE', async () => {
      const c = await smbClient(port);
      c.send(smb2Negotiate());
      const neg = await c.next();
      assert.equal(neg.readUInt32LE(8), 0);
      assert.equal(neg.readUInt16LE(64 + 4), 0x0311);
      assert.equal(neg.readUInt16LE(64 + 2), 1, 'signing enabled, not required');
      assert.equal(neg.readUInt16LE(64 + 6), flavor === 'samba' ? 3 : 2, 'preauth + encryption (+ signing for Samba)');
      assert.deepEqual(negotiateMechs(neg), flavor === 'samba' ? [OID.ntlmssp] : [OID.negoex, OID.msKrb5, OID.krb5, OID.krb5U2u, OID.ntlmssp]);
      const systemTime = Number(neg.readBigUInt64LE(64 + 40) / 10_000n - 11_644_473_600_000n);
      assert.ok(Math.abs(systemTime - Date.now()) < 60_000, 'system time is the real time');
      const guid1 = neg.subarray(64 + 8, 64 + 24);

      c.send(sessionSetup(1, 0n, clientNegTokenInit([OID.ntlmssp], negotiateMessage(0xe2088297))));
      const ch = await c.next();
      const h = parseSmb2Header(ch)!;
      assert.equal(ch.readUInt32LE(8), STATUS.MORE_PROCESSING_REQUIRED);
      assert.notEqual(h.sessionId, 0n);
      const tok = parseSpnego(ch.subarray(ch.readUInt16LE(64 + 4), ch.readUInt16LE(64 + 4) + ch.readUInt16LE(64 + 6)));
      assert.ok(tok && tok.kind === 'resp' && tok.responseToken);
      const challenge = tok.responseToken;
      const info = targetInfoOf(challenge);
      const name = flavor === 'samba' ? 'FILES' : windowsComputerName(PERSONA);
      assert.equal(info[1]!.value.toString('utf16le'), name, 'NetBIOS computer name from the persona');
      assert.equal(info[3]!.value.toString('utf16le'), flavor === 'samba' ? 'files.corp.example' : `${name}.corp.example`);
      assert.equal(challenge[48], flavor === 'samba' ? 6 : 10);

      const auth = authenticateMessage({ user: 'administrator', domain: 'CORP', workstation: 'KALI', password: 'Winter2025!', serverChallenge: challenge.subarray(24, 32), targetInfo: info.raw, unicode: true });
      c.send(sessionSetup(2, h.sessionId, negTokenResp({ responseToken: auth })));
      const fail = await c.next();
      assert.equal(fail.readUInt32LE(8), STATUS.LOGON_FAILURE);
      assert.deepEqual(fail.subarray(64), Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0]));
      await sleep(100);
      const ev = authEvents(svc.events, 'smb').at(-1)!;
      assert.deepEqual({ m: ev.method, u: ev.username, d: ev.domain, w: ev.workstation, t: ev.hash_type, s: ev.success }, { m: 'challenge-response', u: 'administrator', d: 'CORP', w: 'KALI', t: 'netntlmv2', s: false });
      assert.ok(netNtlmV2Matches(ev.response!, 'Winter2025!'), ev.response);

      // Other requests name a session that does not exist; the server GUID is the same on every connection.
      c.send(nbssMessage(Buffer.concat([smb2Header(3, 3, h.sessionId), Buffer.from([9, 0, 0, 0, 0x48, 0, 0, 0])])));
      assert.equal((await c.next()).readUInt32LE(8), STATUS.USER_SESSION_DELETED);
      c.close();
      const c2 = await smbClient(port);
      c2.send(smb2Negotiate([0x0202]));
      const neg2 = await c2.next();
      assert.equal(neg2.readUInt16LE(64 + 4), 0x0202);
      assert.deepEqual(neg2.subarray(64 + 8, 64 + 24), guid1);
      c2.close();
    });

    it('a request before NEGOTIATE, a non-SMB message and an oversized length each end the connection', async () => {
      for (const bad of [sessionSetup(0, 0n, Buffer.alloc(4)), nbssMessage(Buffer.from('GET / HTTP/1.0\r\n\r\n')), Buffer.from([0, 0xff, 0xff, 0xff])]) {
        const r = await converse(port, [bad]);
        assert.ok(r.closed);
        assert.equal(r.replies.slice(1).join(''), '');
      }
      // A NetBIOS session request (port-139 style) is accepted, keep-alives are ignored.
      const r = await converse(port, [Buffer.from([0x81, 0, 0, 4, 1, 2, 3, 4]), Buffer.from([0x85, 0, 0, 0])]);
      assert.deepEqual(r.replies[1], Buffer.from([0x82, 0, 0, 0]));
    });

    it('fuzz at the port: hostile bytes never crash it, sessions end, memory stays bounded, it still answers', { timeout: 180_000 }, async () => {
      const rss0 = process.memoryUsage().rss;
      const prefixes = [SMB_PROG_NEG, smb2Negotiate(), Buffer.concat([smb2Negotiate(), sessionSetup(1, 0n, clientNegTokenInit([OID.ntlmssp], negotiateMessage(0x207)))])];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(Buffer.alloc(0), ...prefixes), fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 6 }), async (prefix, chunks) => {
          await converse(port, [prefix, ...chunks.map((c) => Buffer.from(c))], 5);
        }),
        { numRuns: 60 },
      );
      const deadline = Date.now() + 20_000;
      while (svc.listener.sessions() > 0 && Date.now() < deadline) await sleep(50);
      assert.ok(process.memoryUsage().rss - rss0 < 200 * 1024 * 1024);
      const c = await smbClient(port);
      c.send(smb2Negotiate());
      assert.equal((await c.next()).readUInt16LE(64 + 4), 0x0311);
      c.close();
    });
  });
}

describe('SMB parsers', () => {
  it("the SMB1 negotiate of nmap's probe and Samba's NO_PROTOCOL_CHOSEN answer", () => {
    const n = parseSmb1Negotiate(SMB_PROG_NEG.subarray(4))!;
    assert.equal(n.dialects.length, 8);
    assert.equal(n.dialects[7], 'NT LM 0.12');
    assert.match(nbssMessage(smb1NoProtocolChosen(SMB_PROG_NEG.subarray(4))).toString('latin1'), SAMBA_MATCH);
  });

  it('fuzz: NBSS reader stays bounded; SMB1/SMB2 parsers never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 12 }), (chunks) => {
        const r = new NbssReader(4096);
        for (const c of chunks) {
          for (const p of r.feed(Buffer.from(c))) {
            parseSmb1Negotiate(p.body);
            parseSmb2Header(p.body);
            parseNegotiateRequest(p.body);
            parseSessionSetup(p.body);
          }
          assert.ok(r.buffered <= 4096 + 4 + 3000);
        }
        const b = Buffer.concat([smb2Header(0, 0), Buffer.concat(chunks.map((c) => Buffer.from(c)))]);
        parseNegotiateRequest(b);
        parseSessionSetup(b);
      }),
      { numRuns: 1000 },
    );
  });
});

const smbclientSkip = missing('smbclient', 'smbclient');
const nmapSkip = missing('nmap', 'nmap');

describe('SMB honeypot with real clients', () => {
  const services: Partial<Record<'samba' | 'windows', TestService>> = {};
  before(async () => {
    for (const flavor of ['samba', 'windows'] as const) services[flavor] = await startTestService(smbService(), { persona: PERSONA, settings: { flavor }, limits: LIMITS, session: SESSION, ...FILES });
  });
  after(async () => {
    for (const s of Object.values(services)) await s?.close();
  });

  for (const flavor of ['samba', 'windows'] as const) {
    for (const [label, extra] of [['default', []], ['SMB2', ['-m', 'SMB2']], ['SMB3', ['-m', 'SMB3']], ['SMB1 negotiate first', ['--option=client min protocol=NT1']]] as const) {
      it(`smbclient -L (${flavor}, ${label}): NT_STATUS_LOGON_FAILURE, and the captured NetNTLMv2 verifies`, { skip: smbclientSkip, timeout: 60_000 }, async () => {
        const svc = services[flavor]!;
        const password = `pw ${label}`;
        const before = authEvents(svc.events, 'smb').length;
        const r = await run('smbclient', ['-L', '//127.0.0.1', '-p', String(svc.listener.address.port), '-U', `mallory%${password}`, ...extra], { timeout: 45_000 });
        assert.match(r.stdout + r.stderr, /NT_STATUS_LOGON_FAILURE/);
        await sleep(100);
        const evs = authEvents(svc.events, 'smb').slice(before);
        assert.equal(evs.length, 1, JSON.stringify(evs));
        assert.equal(evs[0]!.username, 'mallory');
        assert.equal(evs[0]!.hash_type, 'netntlmv2');
        assert.ok(netNtlmV2Matches(evs[0]!.response!, password), evs[0]!.response);
      });
    }
  }

  it('nmap -sV: "Samba smbd" for samba, "Microsoft Windows netbios-ssn" for windows', { skip: nmapSkip, timeout: 400_000 }, async () => {
    const [samba, windows] = await Promise.all([nmapServiceLine(services.samba!.listener.address.port), nmapServiceLine(services.windows!.listener.address.port)]);
    assert.match(samba, /open\s+netbios-ssn\s+Samba smbd/, samba);
    assert.match(windows, /open\s+netbios-ssn\s+Microsoft Windows netbios-ssn/, windows);
  });

  it('nmap SMB scripts: SMB2/3 dialects, signing not required, nothing unexpected', { skip: nmapSkip, timeout: 200_000 }, async () => {
    for (const flavor of ['samba', 'windows'] as const) {
      const p = String(services[flavor]!.listener.address.port);
      const r = await run('nmap', ['-Pn', '-p', p, '--script', 'smb-protocols,smb2-security-mode,smb-os-discovery,smb2-time', '--script-args', `smbport=${p}`, '127.0.0.1'], { timeout: 180_000 });
      assert.match(r.stdout, /smb-protocols:[\s\S]*202[\s\S]*210[\s\S]*300[\s\S]*302[\s\S]*311/, r.stdout);
      assert.doesNotMatch(r.stdout, /NT LM 0\.12|SMBv1/, 'SMB1 is off in both flavors');
      assert.match(r.stdout, /Message signing enabled but not required/);
      assert.doesNotMatch(r.stdout, /ERROR|honeypot/i, r.stdout);
    }
  });
});
