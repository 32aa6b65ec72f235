/**
 * The RDP honeypot in both flavors: X.224 conversations byte for byte for every requested-protocol combination
 * (what xrdp's and Windows' negotiation code answer), the mstshash cookie recorded, TLS with the persona's
 * certificate, a scripted CredSSP/NTLM exchange whose NetNTLMv2 verifies against the password, hydra's rdp module
 * (FreeRDP inside) captured the same way, `nmap -sV` and the rdp scripts, and a fuzz of the parsers and the port.
 * Certificates are made with the openssl CLI. Tools missing fail under CI=true (apt: hydra nmap openssl).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import fc from 'fast-check';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { authenticateMessage, negotiateMessage, targetInfoOf } from './ntlm-client.js';
import { netNtlmV2Matches } from '../../../src/honeynet/services/ntlm/ntlm-hash.js';
import { windowsComputerName } from '../../../src/honeynet/services/ntlm/ntlm-identity.js';
import { buildTsRequest, parseTsRequest, tsRequestLength } from '../../../src/honeynet/services/rdp/credssp.js';
import { rdpService } from '../../../src/honeynet/services/rdp/rdp-service.js';
import { connectionConfirm, MCS_DISCONNECT_ULTIMATUM, parseConnectionRequest, PduReader, protocolNames } from '../../../src/honeynet/services/rdp/x224.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authEvents, converse, FILES, LIMITS, missing, nmapServiceLine, run, SESSION, sleep } from './db-services-helper.js';
import { startTestService, type TestService } from './service-harness.js';
import { assertHydraAttempts } from './hydra-attempts.js';

/** A Connection Request: optional cookie, optional RDP_NEG_REQ with `protocols`. */
function connectionRequest(o: { cookie?: string; protocols?: number; flags?: number } = {}): Buffer {
  const cookie = o.cookie === undefined ? Buffer.alloc(0) : Buffer.from(`Cookie: mstshash=${o.cookie}\r\n`, 'latin1');
  const neg = Buffer.alloc(o.protocols === undefined ? 0 : 8);
  if (o.protocols !== undefined) {
    neg[0] = 1;
    neg[1] = o.flags ?? 0;
    neg.writeUInt16LE(8, 2);
    neg.writeUInt32LE(o.protocols, 4);
  }
  const len = 11 + cookie.length + neg.length;
  const head = Buffer.from([3, 0, len >> 8, len & 0xff, len - 5, 0xe0, 0, 0, 0, 0, 0]);
  return Buffer.concat([head, cookie, neg]);
}

/** nmap's TerminalServerCookie probe, byte for byte. */
const NMAP_COOKIE_PROBE = Buffer.from('\x03\0\0*%\xe0\0\0\0\0\0Cookie: mstshash=nmap\r\n\x01\0\x08\0\x03\0\0\0', 'latin1');

const cc = (kind: 'rsp' | 'failure', flags: number, value: number) => connectionConfirm(kind === 'rsp' ? { kind, flags, selected: value } : { kind, code: value });
const CC_PLAIN = Buffer.from([3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0]);

let dir: string;
let persona: Persona;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnmt-rdp-certs-'));
  const make = (name: string, cn: string) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`), '-days', '180', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
  };
  const base: Persona = { ...TEST_PERSONA, hostname: 'desk01' };
  persona = { ...base, tls: { snakeoil: make('snakeoil', 'desk01'), rdp: make('rdp', windowsComputerName(base)) } } as Persona;
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function startRdp(settings: Record<string, unknown>, p: Persona = persona): Promise<TestService> {
  return startTestService(rdpService(), { persona: p, settings, limits: LIMITS, session: SESSION, ...FILES });
}

/** Sends a Connection Request, reads the confirm, then upgrades the same socket to TLS. */
async function tlsAfterConfirm(port: number, protocols: number): Promise<{ confirm: Buffer; tls: TLSSocket }> {
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  s.write(connectionRequest({ cookie: 'tester', protocols }));
  const confirm = await new Promise<Buffer>((r) => s.once('data', r));
  const tls = tlsConnect({ socket: s, rejectUnauthorized: false });
  await new Promise<void>((res, rej) => {
    tls.once('secureConnect', res);
    tls.once('error', rej);
  });
  return { confirm, tls };
}

/** Reads one DER TSRequest from a TLS socket. */
function readTsRequest(tls: TLSSocket, ms = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error('no TSRequest')), ms);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const len = tsRequestLength(buf);
      if (len !== null && len > 0 && buf.length >= len) {
        clearTimeout(timer);
        tls.off('data', onData);
        resolve(buf.subarray(0, len));
      }
    };
    tls.on('data', onData);
  });
}

describe('RDP parsers', () => {
  it("nmap's cookie probe: the mstshash user and the requested protocols", () => {
    const cr = parseConnectionRequest(NMAP_COOKIE_PROBE);
    assert.deepEqual(cr, { cookie: 'nmap', cookieKind: 'mstshash', negReq: { flags: 0, length: 8, requestedProtocols: 3 }, lengthConsistent: true });
    assert.equal(protocolNames(3), 'tls,hybrid');
    assert.equal(protocolNames(0), 'rdp');
    assert.equal(protocolNames(0x0b), 'tls,hybrid,hybrid_ex');
    assert.equal(parseConnectionRequest(Buffer.from('GET / HTTP/1.1\r\n\r\n')), null);
  });

  it('TSRequest round trip; errorCode is the NTSTATUS as a 4-byte signed integer', () => {
    const t = buildTsRequest({ version: 6, negoToken: Buffer.from('NTLMSSP\0') });
    assert.deepEqual(parseTsRequest(t), { version: 6, negoToken: Buffer.from('NTLMSSP\0'), hasAuthInfo: false, hasPubKeyAuth: false, errorCode: null });
    const e = buildTsRequest({ version: 6, errorCode: 0xc000006d });
    assert.ok(e.includes(Buffer.from([0xa4, 0x06, 0x02, 0x04, 0xc0, 0x00, 0x00, 0x6d])));
    assert.equal(parseTsRequest(e)?.errorCode, 0xc000006d);
    assert.equal(tsRequestLength(Buffer.from([0x30])), null);
    assert.equal(tsRequestLength(Buffer.from([0x31, 0])), -1);
  });

  it('fuzz: the PDU reader stays bounded; X.224 and TSRequest parsers never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 10 }), (chunks) => {
        const r = new PduReader(4096);
        for (const c of chunks) {
          for (const pdu of r.feed(Buffer.from(c))) parseConnectionRequest(pdu);
          assert.ok(r.buffered <= 4096 + 2000);
          parseConnectionRequest(Buffer.from(c));
          parseTsRequest(Buffer.from(c));
          parseTsRequest(Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.from(c)]));
          tsRequestLength(Buffer.from(c));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RDP X.224 negotiation byte for byte', () => {
  const cases: Array<{ flavor: 'xrdp' | 'windows'; nla?: boolean; protocols?: number; expect: Buffer | 'dpum' }> = [
    // xrdp: TLS when asked and a certificate is there, else standard RDP; never CredSSP; flags 0x01.
    { flavor: 'xrdp', expect: CC_PLAIN },
    { flavor: 'xrdp', protocols: 0, expect: cc('rsp', 1, 0) },
    { flavor: 'xrdp', protocols: 1, expect: cc('rsp', 1, 1) },
    { flavor: 'xrdp', protocols: 2, expect: cc('rsp', 1, 0) },
    { flavor: 'xrdp', protocols: 3, expect: cc('rsp', 1, 1) },
    { flavor: 'xrdp', protocols: 8, expect: cc('rsp', 1, 0) },
    { flavor: 'xrdp', protocols: 0x0b, expect: cc('rsp', 1, 1) },
    { flavor: 'xrdp', protocols: 0x10, expect: 'dpum' },
    // Windows with NLA: CredSSP (or CredSSP with early user auth, or RDSTLS) or HYBRID_REQUIRED_BY_SERVER.
    { flavor: 'windows', expect: CC_PLAIN },
    { flavor: 'windows', protocols: 0, expect: cc('failure', 0, 5) },
    { flavor: 'windows', protocols: 1, expect: cc('failure', 0, 5) },
    { flavor: 'windows', protocols: 3, expect: cc('rsp', 0x1f, 2) },
    { flavor: 'windows', protocols: 0x0b, expect: cc('rsp', 0x1f, 8) },
    { flavor: 'windows', protocols: 4, expect: cc('rsp', 0x1f, 4) },
    // Windows without NLA: TLS is enough; plain RDP gets SSL_REQUIRED_BY_SERVER.
    { flavor: 'windows', nla: false, protocols: 1, expect: cc('rsp', 0x1f, 1) },
    { flavor: 'windows', nla: false, protocols: 0, expect: cc('failure', 0, 1) },
    { flavor: 'windows', nla: false, protocols: 3, expect: cc('rsp', 0x1f, 2) },
  ];
  const services = new Map<string, TestService>();
  const svcFor = async (flavor: string, nla: boolean) => {
    const key = `${flavor}:${nla}`;
    if (!services.has(key)) services.set(key, await startRdp({ flavor, nla }));
    return services.get(key)!;
  };
  after(async () => {
    for (const s of services.values()) await s.close();
  });

  for (const c of cases) {
    it(`${c.flavor}${c.nla === false ? ' (no NLA)' : ''}, requested ${c.protocols === undefined ? 'nothing' : `0x${c.protocols.toString(16)}`}`, async () => {
      const svc = await svcFor(c.flavor, c.nla ?? true);
      const r = await converse(svc.listener.address.port, [connectionRequest({ cookie: 'Administr', ...(c.protocols !== undefined ? { protocols: c.protocols } : {}) })], 400);
      const reply = r.replies[1]!;
      if (c.expect === 'dpum') {
        assert.deepEqual(reply, MCS_DISCONNECT_ULTIMATUM);
        assert.ok(r.closed);
      } else {
        assert.deepEqual(reply.subarray(0, c.expect.length), c.expect);
      }
      await sleep(50);
      const ev = authEvents(svc.events, 'rdp').at(-1)!;
      assert.deepEqual({ m: ev.method, u: ev.username, c: ev.client, s: ev.success }, { m: 'none', u: 'Administr', c: `requested: ${c.protocols === undefined ? 'none' : protocolNames(c.protocols)}`, s: false });
    });
  }

  it('garbage: xrdp sends its Disconnect Provider Ultimatum and closes, Windows just closes', async () => {
    const x = await svcFor('xrdp', true);
    const w = await svcFor('windows', true);
    const rpc = Buffer.from('\x80\0\0\x28\x72\xFE\x1D\x13\0\0\0\0\0\0\0\x02\0\x01\x86\xA0\0\x01\x97\x7C\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0', 'latin1');
    const rx = await converse(x.listener.address.port, [rpc]);
    assert.deepEqual(rx.replies[1], MCS_DISCONNECT_ULTIMATUM);
    assert.ok(rx.closed);
    const rw = await converse(w.listener.address.port, [rpc]);
    assert.ok(rw.closed);
    assert.equal(rw.replies.slice(1).join(''), '');
    // xrdp also refuses a Connection Request whose X.224 length indicator disagrees with the TPKT length.
    const bad = connectionRequest({ protocols: 3 });
    bad[4] = 99;
    assert.deepEqual((await converse(x.listener.address.port, [bad])).replies[1], MCS_DISCONNECT_ULTIMATUM);
    // Standard RDP security: at the MCS Connect Initial the server hangs up without the ultimatum.
    const mcs = await converse(x.listener.address.port, [connectionRequest({ protocols: 0 }), Buffer.from([3, 0, 0, 12, 2, 0xf0, 0x80, 0x7f, 0x65, 0x82, 0, 0])]);
    assert.deepEqual(mcs.replies[1], cc('rsp', 1, 0));
    assert.equal(mcs.replies.slice(2).join(''), '');
    assert.ok(mcs.closed);
  });

  it('without a persona certificate: xrdp falls back to standard RDP security, Windows refuses TLS', async () => {
    const { tls: _none, ...bare } = TEST_PERSONA;
    const x = await startRdp({ flavor: 'xrdp' }, bare);
    const w = await startRdp({ flavor: 'windows' }, bare);
    try {
      assert.deepEqual((await converse(x.listener.address.port, [connectionRequest({ protocols: 3 })])).replies[1], cc('rsp', 1, 0));
      assert.deepEqual((await converse(w.listener.address.port, [connectionRequest({ protocols: 3 })])).replies[1], cc('failure', 0, 3));
    } finally {
      await x.close();
      await w.close();
    }
  });
});

describe('RDP TLS and CredSSP', () => {
  let xrdp: TestService;
  let windows: TestService;
  before(async () => {
    xrdp = await startRdp({ flavor: 'xrdp' });
    windows = await startRdp({ flavor: 'windows' });
  });
  after(async () => {
    await xrdp?.close();
    await windows?.close();
  });

  it('xrdp: TLS with the snakeoil certificate (CN = hostname), then the ultimatum at the next PDU', async () => {
    const { confirm, tls } = await tlsAfterConfirm(xrdp.listener.address.port, 3);
    assert.deepEqual(confirm, cc('rsp', 1, 1));
    assert.equal(tls.getPeerCertificate().subject.CN, 'desk01');
    tls.write(Buffer.from([3, 0, 0, 8, 2, 0xf0, 0x80, 0x7f]));
    const reply = await new Promise<Buffer>((r) => tls.once('data', r));
    assert.deepEqual(reply, MCS_DISCONNECT_ULTIMATUM);
    tls.destroy();
  });

  it('Windows NLA: CredSSP NTLM negotiate → challenge (persona names) → authenticate captured → STATUS_LOGON_FAILURE', async () => {
    const { confirm, tls } = await tlsAfterConfirm(windows.listener.address.port, 3);
    assert.deepEqual(confirm, cc('rsp', 0x1f, 2));
    const name = windowsComputerName(persona);
    assert.equal(tls.getPeerCertificate().subject.CN, name);
    assert.equal(tls.getProtocol(), 'TLSv1.2', 'Windows Server 2019 RDP does not do TLS 1.3');
    tls.write(buildTsRequest({ version: 6, negoToken: negotiateMessage(0xe2898235) }));
    const ts = parseTsRequest(await readTsRequest(tls))!;
    assert.equal(ts.version, 6);
    const challenge = ts.negoToken!;
    const info = targetInfoOf(challenge);
    assert.equal(info[1]!.value.toString('utf16le'), name);
    assert.deepEqual([challenge[48], challenge[49], challenge.readUInt16LE(50)], [10, 0, 17763]);
    const auth = authenticateMessage({ user: 'svc_backup', domain: 'DESK01', workstation: 'ATTACKER', password: 'P@ssw0rd', serverChallenge: challenge.subarray(24, 32), targetInfo: info.raw, unicode: true });
    tls.write(buildTsRequest({ version: 6, negoToken: auth }));
    const fail = parseTsRequest(await readTsRequest(tls))!;
    assert.equal(fail.errorCode, 0xc000006d);
    tls.destroy();
    await sleep(100);
    const ev = authEvents(windows.events, 'rdp').filter((e) => e.method === 'challenge-response').at(-1)!;
    assert.deepEqual({ u: ev.username, d: ev.domain, w: ev.workstation, t: ev.hash_type }, { u: 'svc_backup', d: 'DESK01', w: 'ATTACKER', t: 'netntlmv2' });
    assert.ok(netNtlmV2Matches(ev.response!, 'P@ssw0rd'));
  });

  it('fuzz at the port, both flavors: hostile bytes never crash it, sessions end, it still negotiates', { timeout: 180_000 }, async () => {
    const rss0 = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(xrdp, windows),
        fc.constantFrom(Buffer.alloc(0), NMAP_COOKIE_PROBE, connectionRequest({ protocols: 0 }), Buffer.from([3, 0, 0xff, 0xff])),
        fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 6 }),
        async (svc, prefix, chunks) => {
          await converse(svc.listener.address.port, [prefix, ...chunks.map((c) => Buffer.from(c))], 5);
        },
      ),
      { numRuns: 80 },
    );
    const deadline = Date.now() + 20_000;
    while ((xrdp.listener.sessions() > 0 || windows.listener.sessions() > 0) && Date.now() < deadline) await sleep(50);
    assert.ok(process.memoryUsage().rss - rss0 < 200 * 1024 * 1024);
    const r = await converse(windows.listener.address.port, [NMAP_COOKIE_PROBE]);
    assert.deepEqual(r.replies[1]!.subarray(0, 19), cc('rsp', 0x1f, 2));
  });
});

const hydraSkip = missing('hydra', 'hydra');
const nmapSkip = missing('nmap', 'nmap');

describe('RDP with real clients', () => {
  let xrdp: TestService;
  let windows: TestService;
  before(async () => {
    xrdp = await startRdp({ flavor: 'xrdp' });
    windows = await startRdp({ flavor: 'windows' });
  });
  after(async () => {
    await xrdp?.close();
    await windows?.close();
  });

  it('hydra rdp (FreeRDP) against Windows NLA: every password tried is captured as a NetNTLMv2 that verifies', { skip: hydraSkip, timeout: 180_000 }, async () => {
    const pw = ['Summer2024', 'p@ss word', 'x"y$z', 'letmein'];
    const file = join(dir, 'rdp-pw.txt');
    writeFileSync(file, `${pw.join('\n')}\n`);
    const before = authEvents(windows.events, 'rdp').length;
    const r = await run('hydra', ['-l', 'administrator', '-P', file, '-t', '1', '-s', String(windows.listener.address.port), '127.0.0.1', 'rdp'], { timeout: 150_000 });
    await sleep(300);
    const caps = authEvents(windows.events, 'rdp').slice(before).filter((e) => e.method === 'challenge-response');
    for (const c of caps) assert.equal(c.username, 'administrator');
    const tried = caps.map((c) => pw.find((p) => netNtlmV2Matches(c.response!, p)) ?? '?');
    assertHydraAttempts(tried, pw, r.stdout + r.stderr);
  });

  it('nmap -sV: "xrdp" for xrdp, "Microsoft Terminal Services" for windows', { skip: nmapSkip, timeout: 400_000 }, async () => {
    const [x, w] = await Promise.all([nmapServiceLine(xrdp.listener.address.port), nmapServiceLine(windows.listener.address.port)]);
    assert.match(x, /open\s+ms-wbt-server\s+xrdp/, x);
    assert.match(w, /open\s+ms-wbt-server\s+Microsoft Terminal Services/, w);
  });

  it('nmap rdp-enum-encryption and rdp-ntlm-info: Windows NLA only with the persona computer name; xrdp no NTLM, no errors', { skip: nmapSkip, timeout: 400_000 }, async () => {
    const scan = (svc: TestService) => run('nmap', ['-sV', '-Pn', '-p', String(svc.listener.address.port), '--script', 'rdp-enum-encryption,rdp-ntlm-info', '127.0.0.1'], { timeout: 300_000 });
    const [w, x] = await Promise.all([scan(windows), scan(xrdp)]);
    assert.match(w.stdout, /CredSSP \(NLA\): SUCCESS/, w.stdout);
    assert.doesNotMatch(w.stdout, /Native RDP: SUCCESS|SSL: SUCCESS/, w.stdout);
    assert.match(w.stdout, new RegExp(`NetBIOS_Computer_Name: ${windowsComputerName(persona)}`));
    assert.match(w.stdout, /Product_Version: 10\.0\.17763/);
    // xrdp confirms every request with RDP_NEG_RSP (TLS or standard RDP), which the script counts as success.
    assert.match(x.stdout, /Native RDP: SUCCESS[\s\S]*SSL: SUCCESS/, x.stdout);
    assert.doesNotMatch(x.stdout, /rdp-ntlm-info/, 'xrdp has no NLA, so no NTLM info');
    for (const r of [w, x]) assert.doesNotMatch(r.stdout, /ERROR|honeypot/i, r.stdout);
  });
});
