/**
 * NTLMSSP messages (MS-NLMP 2.2.1): NEGOTIATE (type 1) read, CHALLENGE (type 2) built with its target info AV
 * pairs, AUTHENTICATE (type 3) read. Every offset/length field of a hostile message is checked against the
 * message before a byte is taken, and strings are bounded.
 */
export const NTLMSSP_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** NegotiateFlags (MS-NLMP 2.2.2.5). */
export const NTLM_FLAG = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  DATAGRAM: 0x00000040,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  OEM_DOMAIN_SUPPLIED: 0x00001000,
  OEM_WORKSTATION_SUPPLIED: 0x00002000,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  IDENTIFY: 0x00100000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  KEY_EXCH: 0x40000000,
  N56: 0x80000000,
} as const;

/** AV pair ids (MS-NLMP 2.2.2.1). */
export const AV = { EOL: 0, NbComputerName: 1, NbDomainName: 2, DnsComputerName: 3, DnsDomainName: 4, DnsTreeName: 5, Flags: 6, Timestamp: 7 } as const;

/** Longest name kept from a client message (user, domain, workstation): real ones are far shorter. */
const MAX_NAME_CHARS = 256;
/** Largest NT response accepted (NTLMv2: 16 + 28 + target info; Windows' are ~300 bytes). */
const MAX_RESPONSE_BYTES = 4096;

export interface NtlmNegotiate {
  flags: number;
  domain: string;
  workstation: string;
}

export interface NtlmAuthenticate {
  flags: number;
  lmResponse: Buffer;
  ntResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  /** True when the strings were UTF-16LE (NTLMSSP_NEGOTIATE_UNICODE), false for OEM. */
  unicode: boolean;
}

/** The OS version structure of a CHALLENGE (MS-NLMP 2.2.2.10). */
export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
}

/** What the server says about itself in a CHALLENGE. */
export interface NtlmIdentity {
  /** TargetName and its type: the NetBIOS domain (TARGET_TYPE_DOMAIN) or the computer (TARGET_TYPE_SERVER). */
  targetName: string;
  targetType: 'domain' | 'server';
  nbDomain: string;
  nbComputer: string;
  dnsDomain: string;
  dnsComputer: string;
  version: NtlmVersion;
}

function isNtlmssp(msg: Buffer, type: number): boolean {
  return msg.length >= 12 && msg.subarray(0, 8).equals(NTLMSSP_SIGNATURE) && msg.readUInt32LE(8) === type;
}

/** The bytes a security buffer (len, maxlen, offset at `at`) points to; null when it lies outside the message. */
function field(msg: Buffer, at: number, max: number): Buffer | null {
  if (at + 8 > msg.length) return null;
  const len = msg.readUInt16LE(at);
  const off = msg.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (len > max || off > msg.length || off + len > msg.length) return null;
  return msg.subarray(off, off + len);
}

function text(b: Buffer | null, unicode: boolean): string {
  if (!b) return '';
  const s = unicode ? b.subarray(0, b.length & ~1).toString('utf16le') : b.toString('latin1');
  return s.slice(0, MAX_NAME_CHARS);
}

/** Reads a NEGOTIATE_MESSAGE; null if it is not one. Its domain/workstation are OEM strings when supplied. */
export function parseNegotiate(msg: Buffer): NtlmNegotiate | null {
  if (!isNtlmssp(msg, 1) || msg.length < 16) return null;
  const flags = msg.readUInt32LE(12);
  const domain = flags & NTLM_FLAG.OEM_DOMAIN_SUPPLIED ? text(field(msg, 16, MAX_NAME_CHARS), false) : '';
  const workstation = flags & NTLM_FLAG.OEM_WORKSTATION_SUPPLIED ? text(field(msg, 24, MAX_NAME_CHARS), false) : '';
  return { flags, domain, workstation };
}

/** Reads an AUTHENTICATE_MESSAGE; null if it is not one or any field points outside it. */
export function parseAuthenticate(msg: Buffer): NtlmAuthenticate | null {
  if (!isNtlmssp(msg, 3) || msg.length < 52) return null;
  // Win9x-era clients end the header before the session key and flags (Samba accepts both forms).
  const flags = msg.length >= 64 ? msg.readUInt32LE(60) : NTLM_FLAG.UNICODE;
  const unicode = (flags & NTLM_FLAG.UNICODE) !== 0;
  const lm = field(msg, 12, MAX_RESPONSE_BYTES);
  const nt = field(msg, 20, MAX_RESPONSE_BYTES);
  const domain = field(msg, 28, MAX_NAME_CHARS * 2);
  const user = field(msg, 36, MAX_NAME_CHARS * 2);
  const ws = field(msg, 44, MAX_NAME_CHARS * 2);
  if (!lm || !nt || !domain || !user || !ws) return null;
  return { flags, lmResponse: Buffer.from(lm), ntResponse: Buffer.from(nt), domain: text(domain, unicode), user: text(user, unicode), workstation: text(ws, unicode), unicode };
}

/** FILETIME (100 ns since 1601-01-01) of epoch milliseconds, little-endian. */
export function fileTime(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(Math.max(0, Math.floor(ms))) + 11_644_473_600_000n) * 10_000n);
  return b;
}

function avPair(id: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value]);
}

/** The target info list in the order Windows and Samba write it, with the server's current time. */
export function targetInfo(id: NtlmIdentity, nowMs: number): Buffer {
  const u = (s: string) => Buffer.from(s, 'utf16le');
  return Buffer.concat([
    avPair(AV.NbDomainName, u(id.nbDomain)),
    avPair(AV.NbComputerName, u(id.nbComputer)),
    avPair(AV.DnsDomainName, u(id.dnsDomain)),
    avPair(AV.DnsComputerName, u(id.dnsComputer)),
    avPair(AV.Timestamp, fileTime(nowMs)),
    avPair(AV.EOL, Buffer.alloc(0)),
  ]);
}

/**
 * The CHALLENGE flags for a client's NEGOTIATE flags, as Windows and Samba derive them: the options the client
 * asked for are mirrored (Unicode or OEM, signing, sealing, 128/56-bit, key exchange, extended session security
 * in place of LM_KEY), NTLM and TARGET_INFO are always set, and the target type follows the identity.
 */
export function challengeFlags(clientFlags: number, id: NtlmIdentity): number {
  const F = NTLM_FLAG;
  const mirrored = F.SIGN | F.SEAL | F.ALWAYS_SIGN | F.N128 | F.N56 | F.KEY_EXCH | F.VERSION | F.IDENTIFY | F.DATAGRAM;
  let flags = (clientFlags & mirrored) | F.NTLM | F.TARGET_INFO | F.REQUEST_TARGET;
  flags |= clientFlags & F.UNICODE ? F.UNICODE : F.OEM;
  if (clientFlags & F.EXTENDED_SESSIONSECURITY) flags |= F.EXTENDED_SESSIONSECURITY;
  else if (clientFlags & F.LM_KEY) flags |= F.LM_KEY;
  flags |= id.targetType === 'domain' ? F.TARGET_TYPE_DOMAIN : F.TARGET_TYPE_SERVER;
  return flags >>> 0;
}

/** A CHALLENGE_MESSAGE for `clientFlags` with the 8-byte `serverChallenge` and the identity's names and version. */
export function buildChallenge(o: { clientFlags: number; serverChallenge: Buffer; identity: NtlmIdentity; nowMs: number }): Buffer {
  const flags = challengeFlags(o.clientFlags, o.identity) | NTLM_FLAG.VERSION;
  const unicode = (flags & NTLM_FLAG.UNICODE) !== 0;
  const target = Buffer.from(o.identity.targetName, unicode ? 'utf16le' : 'latin1');
  const info = targetInfo(o.identity, o.nowMs);
  const head = Buffer.alloc(56);
  NTLMSSP_SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE(flags >>> 0, 20);
  o.serverChallenge.copy(head, 24, 0, 8);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(56 + target.length, 44);
  head[48] = o.identity.version.major;
  head[49] = o.identity.version.minor;
  head.writeUInt16LE(o.identity.version.build, 50);
  head[55] = 15; // NTLMSSP_REVISION_W2K3
  return Buffer.concat([head, target, info]);
}
