/**
 * The shared NTLMSSP code: MD4 on the RFC 1320 vectors, the NT hash and NTLMv2 response on MS-NLMP 4.2.4's
 * example, CHALLENGE building (flags mirrored, target info from the persona), AUTHENTICATE parsing (Unicode and
 * OEM, bounded offsets), the hashcat lines (a NetNTLMv2 computed from a known password verifies), SPNEGO and
 * DER round trips, and a fuzz of every parser.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { derInteger, readInteger, readTlv } from '../../../src/honeynet/services/ntlm/der.js';
import { md4 } from '../../../src/honeynet/services/ntlm/md4.js';
import { NtlmExchange } from '../../../src/honeynet/services/ntlm/ntlm-exchange.js';
import { hashcatLine, netNtlmV2Matches, ntHash, ntlmV2Blob, ntowfV2, ntProofStr } from '../../../src/honeynet/services/ntlm/ntlm-hash.js';
import { netbiosName, ntlmIdentity, windowsComputerName } from '../../../src/honeynet/services/ntlm/ntlm-identity.js';
import { AV, buildChallenge, fileTime, NTLM_FLAG, parseAuthenticate, parseNegotiate, type NtlmIdentity } from '../../../src/honeynet/services/ntlm/ntlm-messages.js';
import { clientNegTokenInit, negTokenResp, OID, parseSpnego, serverNegTokenInit } from '../../../src/honeynet/services/ntlm/spnego.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { authenticateMessage, negotiateMessage, targetInfoOf } from './ntlm-client.js';

const ID: NtlmIdentity = ntlmIdentity(TEST_PERSONA, 'samba');

describe('MD4 and the NT hash', () => {
  it('RFC 1320 test suite', () => {
    const vectors: Array<[string, string]> = [
      ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
      ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
      ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
      ['message digest', 'd9130a8164549fe818874806e1c7014b'],
      ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
      ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
    ];
    for (const [input, digest] of vectors) assert.equal(md4(Buffer.from(input)).toString('hex'), digest, input);
    // Block boundaries: 55, 56 and 64 bytes pad differently.
    for (const n of [55, 56, 63, 64, 65, 119, 120]) assert.equal(md4(Buffer.alloc(n, 0x61)).length, 16);
  });

  it('MS-NLMP 4.2.4: NT hash and NTOWFv2 of "Password" for User/Domain', () => {
    assert.equal(ntHash('Password').toString('hex'), 'a4f49c406510bdcab6824ee7c30fd852');
    assert.equal(ntowfV2('Password', 'User', 'Domain').toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('MS-NLMP 4.2.4.2.2: NTProofStr of the example blob', () => {
    const serverChallenge = Buffer.from('0123456789abcdef', 'hex');
    const clientChallenge = Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
    const info = Buffer.from('02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000', 'hex');
    const blob = ntlmV2Blob(clientChallenge, Buffer.alloc(8), info);
    assert.equal(ntProofStr('Password', 'User', 'Domain', serverChallenge, blob).toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
  });
});

describe('NTLMSSP messages', () => {
  it('names from the persona: Samba uses the NetBIOS name, Windows a stable WIN- name per install', () => {
    assert.equal(netbiosName({ ...TEST_PERSONA, hostname: 'fileserver-backup-01' }), 'FILESERVER-BACK');
    assert.deepEqual({ t: ID.targetName, nb: ID.nbComputer, d: ID.nbDomain, dns: ID.dnsComputer, v: ID.version }, { t: 'FS01', nb: 'FS01', d: 'FS01', dns: 'fs01', v: { major: 6, minor: 1, build: 0 } });
    const w = windowsComputerName(TEST_PERSONA);
    assert.match(w, /^WIN-[A-Z0-9]{11}$/);
    assert.equal(windowsComputerName(TEST_PERSONA), w);
    assert.notEqual(windowsComputerName({ ...TEST_PERSONA, id: 'p2' }), w);
    const win = ntlmIdentity({ ...TEST_PERSONA, domain: 'corp.example' }, 'windows', '2022');
    assert.deepEqual({ nb: win.nbComputer, dnsC: win.dnsComputer, dnsD: win.dnsDomain, v: win.version.build }, { nb: w, dnsC: `${w}.corp.example`, dnsD: 'corp.example', v: 20348 });
  });

  it('NEGOTIATE: flags and the OEM domain/workstation', () => {
    const n = parseNegotiate(negotiateMessage(0xe2088297 | NTLM_FLAG.OEM_DOMAIN_SUPPLIED | NTLM_FLAG.OEM_WORKSTATION_SUPPLIED, 'CORP', 'WS1'));
    assert.deepEqual(n, { flags: (0xe2088297 | 0x3000) >>> 0, domain: 'CORP', workstation: 'WS1' });
    assert.equal(parseNegotiate(Buffer.from('NTLMSSP\0\x02\0\0\0xxxxxxxx', 'latin1')), null);
  });

  it('CHALLENGE: client options mirrored, target info in the Windows/Samba order with a timestamp', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const ch = buildChallenge({ clientFlags: 0xe2088297, serverChallenge: Buffer.from('0011223344556677', 'hex'), identity: ID, nowMs: now });
    assert.equal(ch.subarray(0, 12).toString('latin1'), 'NTLMSSP\0\x02\0\0\0');
    const flags = ch.readUInt32LE(20);
    for (const f of [NTLM_FLAG.UNICODE, NTLM_FLAG.NTLM, NTLM_FLAG.SIGN, NTLM_FLAG.ALWAYS_SIGN, NTLM_FLAG.EXTENDED_SESSIONSECURITY, NTLM_FLAG.TARGET_INFO, NTLM_FLAG.VERSION, NTLM_FLAG.N128, NTLM_FLAG.KEY_EXCH, NTLM_FLAG.N56, NTLM_FLAG.TARGET_TYPE_SERVER]) assert.ok(flags & f, `flag ${f.toString(16)}`);
    assert.equal(flags & (NTLM_FLAG.OEM | NTLM_FLAG.SEAL | NTLM_FLAG.LM_KEY), 0, "not asked for, or superseded by extended session security");
    assert.equal(ch.subarray(24, 32).toString('hex'), '0011223344556677');
    const tnLen = ch.readUInt16LE(12);
    assert.equal(ch.subarray(ch.readUInt32LE(16), ch.readUInt32LE(16) + tnLen).toString('utf16le'), 'FS01');
    assert.deepEqual([...ch.subarray(48, 56)], [6, 1, 0, 0, 0, 0, 0, 15]);
    const pairs = targetInfoOf(ch);
    assert.deepEqual(pairs.map((p) => p.id), [AV.NbDomainName, AV.NbComputerName, AV.DnsDomainName, AV.DnsComputerName, AV.Timestamp, AV.EOL]);
    assert.equal(pairs[1]!.value.toString('utf16le'), 'FS01');
    assert.deepEqual(pairs[4]!.value, fileTime(now));
    // An OEM client gets OEM strings.
    const oem = buildChallenge({ clientFlags: NTLM_FLAG.OEM | NTLM_FLAG.REQUEST_TARGET, serverChallenge: Buffer.alloc(8), identity: ID, nowMs: now });
    assert.ok(oem.readUInt32LE(20) & NTLM_FLAG.OEM);
    assert.equal(oem.subarray(56, 60).toString('latin1'), 'FS01');
  });

  it('AUTHENTICATE: Unicode and OEM strings, and offsets outside the message refused', () => {
    const nt = Buffer.alloc(40, 7);
    const uni = parseAuthenticate(authenticateMessage({ user: 'Émile', domain: 'CORP', workstation: 'PC-9', lm: Buffer.alloc(24), nt, unicode: true }));
    assert.deepEqual(uni && { u: uni.user, d: uni.domain, w: uni.workstation, nt: uni.ntResponse, uni: uni.unicode }, { u: 'Émile', d: 'CORP', w: 'PC-9', nt, uni: true });
    const oem = parseAuthenticate(authenticateMessage({ user: 'bob', domain: 'D', workstation: 'W', lm: Buffer.alloc(24, 1), nt: Buffer.alloc(24, 2), unicode: false }));
    assert.deepEqual(oem && { u: oem.user, d: oem.domain, w: oem.workstation, uni: oem.unicode }, { u: 'bob', d: 'D', w: 'W', uni: false });
    const bad = authenticateMessage({ user: 'x', domain: '', workstation: '', lm: Buffer.alloc(0), nt: Buffer.alloc(24), unicode: true });
    bad.writeUInt32LE(0xfffffff0, 24); // NT response offset far past the end
    assert.equal(parseAuthenticate(bad), null);
  });

  it('hashcat 5600: a response computed from the password verifies, a wrong password does not', () => {
    const serverChallenge = Buffer.from('1122334455667788', 'hex');
    const ch = buildChallenge({ clientFlags: 0xe2088297, serverChallenge, identity: ID, nowMs: Date.now() });
    const msg = authenticateMessage({ user: 'Alice', domain: 'WORKGROUP', workstation: 'KALI', password: 'S3cret!', serverChallenge, targetInfo: targetInfoOf(ch).raw, unicode: true });
    const cap = hashcatLine(parseAuthenticate(msg)!, serverChallenge)!;
    assert.equal(cap.hashType, 'netntlmv2');
    assert.match(cap.hash, /^Alice::WORKGROUP:1122334455667788:[0-9a-f]{32}:0101[0-9a-f]+$/);
    assert.ok(netNtlmV2Matches(cap.hash, 'S3cret!'));
    assert.ok(!netNtlmV2Matches(cap.hash, 's3cret!'));
  });

  it('hashcat 5500 for a 24-byte NT response; nothing for an anonymous login', () => {
    const a = parseAuthenticate(authenticateMessage({ user: 'u', domain: 'd', workstation: 'w', lm: Buffer.alloc(24, 0xaa), nt: Buffer.alloc(24, 0xbb), unicode: true }))!;
    assert.deepEqual(hashcatLine(a, Buffer.alloc(8, 0x11)), { hashType: 'netntlmv1', hash: `u::d:${'aa'.repeat(24)}:${'bb'.repeat(24)}:${'11'.repeat(8)}` });
    const anon = parseAuthenticate(authenticateMessage({ user: '', domain: '', workstation: '', lm: Buffer.alloc(1), nt: Buffer.alloc(0), unicode: true }))!;
    assert.equal(hashcatLine(anon, Buffer.alloc(8)), null);
  });
});

describe('SPNEGO and the exchange', () => {
  it('the server NegTokenInit lists the mechanisms in order with the RFC 4178 hint', () => {
    const t = serverNegTokenInit([OID.msKrb5, OID.ntlmssp]);
    assert.equal(t[0], 0x60);
    assert.ok(t.includes(Buffer.from('not_defined_in_RFC4178@please_ignore')));
    assert.deepEqual(parseSpnego(t), { kind: 'init', mechTypes: [OID.msKrb5, OID.ntlmssp], mechToken: null });
    const resp = parseSpnego(negTokenResp({ negState: 1, supportedMech: OID.ntlmssp, responseToken: Buffer.from('abc') }));
    assert.deepEqual(resp, { kind: 'resp', negState: 1, supportedMech: OID.ntlmssp, responseToken: Buffer.from('abc'), mechListMic: null });
  });

  it('SPNEGO round: NegTokenInit(NEGOTIATE) → NegTokenResp(CHALLENGE) → AUTHENTICATE captured', () => {
    const ex = new NtlmExchange(ID);
    const first = ex.step(clientNegTokenInit([OID.ntlmssp], negotiateMessage(0xe2088297)));
    assert.equal(first.kind, 'continue');
    const resp = parseSpnego(first.kind === 'continue' ? first.token : Buffer.alloc(0));
    assert.ok(resp && resp.kind === 'resp' && resp.negState === 1 && resp.supportedMech === OID.ntlmssp && resp.responseToken);
    const ch = resp.responseToken;
    assert.deepEqual(ch.subarray(24, 32), ex.serverChallenge);
    const auth = authenticateMessage({ user: 'bob', domain: '', workstation: 'WS', password: 'pw', serverChallenge: ex.serverChallenge, targetInfo: targetInfoOf(ch).raw, unicode: true });
    const last = ex.step(negTokenResp({ responseToken: auth }));
    assert.ok(last.kind === 'authenticate' && last.capture && netNtlmV2Matches(last.capture.hash, 'pw'));
    // Raw NTLMSSP is answered raw; a Kerberos-only offer is refused; garbage is invalid.
    assert.ok(new NtlmExchange(ID).step(negotiateMessage(0x207)).kind === 'continue');
    assert.equal(new NtlmExchange(ID).step(clientNegTokenInit([OID.krb5], Buffer.from('krb'))).kind, 'invalid');
    assert.equal(new NtlmExchange(ID).step(Buffer.from('hello')).kind, 'invalid');
    // Two exchanges never share a challenge.
    assert.notDeepEqual(new NtlmExchange(ID).serverChallenge, new NtlmExchange(ID).serverChallenge);
  });

  it('DER integers, including NTSTATUS-sized values', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 6, 0xc000006d, 0xffffffff]) assert.equal(readInteger(readTlv(derInteger(n))!), n >>> 0);
  });

  it('fuzz: random bytes into every parser never throw, and garbage after a valid prefix is handled', () => {
    const prefixes = [Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1'), Buffer.from('NTLMSSP\0\x03\0\0\0', 'latin1'), Buffer.from([0x60, 0x82]), Buffer.from([0xa1, 0x81]), Buffer.alloc(0)];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), (prefix, tail) => {
        const b = Buffer.concat([prefix, Buffer.from(tail)]);
        parseNegotiate(b);
        parseAuthenticate(b);
        parseSpnego(b);
        readTlv(b);
        const ex = new NtlmExchange(ID);
        ex.step(b);
        ex.step(b);
      }),
      { numRuns: 2000 },
    );
  });
});
