/**
 * Login records: LOGIN7 (MS-TDS 2.2.6.4: a fixed part with offset/length pairs into UTF-16LE strings, the password
 * obfuscated byte by byte) and the pre-TDS 7 LOGINREC of DB-Library clients (fixed 30-byte fields, each followed by
 * its length). Parsing never throws and checks every offset against the record.
 */

export interface LoginRecord {
  /** The TDS version the client asked for (LOGIN7), e.g. 0x74000004; 0x42 for a TDS 4.2 LOGINREC. */
  tdsVersion: number;
  hostName: string;
  userName: string;
  password: string;
  appName: string;
  serverName: string;
  libraryName: string;
  language: string;
  database: string;
  clientPid: number;
  /** The client's MAC address (LOGIN7 ClientID), as aa:bb:cc:dd:ee:ff. */
  clientMac: string;
  /** Integrated (SSPI) authentication: the security blob the client sent (NTLMSSP, SPNEGO or Kerberos). */
  sspi: Buffer | null;
}

const FIXED_7_0 = 86;
const FIXED_7_2 = 94;
/** LOGIN7 OptionFlags2 fIntSecurity: Windows (SSPI) authentication. */
const INTEGRATED_SECURITY = 0x80;
const MAX_CHARS = 256;

/** MS-TDS password obfuscation: swap each byte's nibbles, then XOR 0xA5 (what clients send). */
export function obfuscatePassword(password: string): Buffer {
  return Buffer.from([...Buffer.from(password, 'utf16le')].map((b) => (((b << 4) & 0xf0) | (b >> 4)) ^ 0xa5));
}

/** Undoes the obfuscation: XOR 0xA5, then swap the nibbles back. */
export function deobfuscatePassword(bytes: Uint8Array): string {
  return Buffer.from([...bytes].map((b) => {
    const x = b ^ 0xa5;
    return ((x << 4) & 0xf0) | (x >> 4);
  })).toString('utf16le');
}

/** Parses a LOGIN7 payload; null when it is too short for the fixed part or its length field is impossible. */
export function parseLogin7(p: Buffer): LoginRecord | null {
  if (p.length < FIXED_7_0) return null;
  const declared = p.readUInt32LE(0);
  if (declared < FIXED_7_0 || declared > p.length) return null;
  const tdsVersion = p.readUInt32LE(4);
  const fixed = tdsVersion >>> 24 >= 0x72 && p.length >= FIXED_7_2 ? FIXED_7_2 : FIXED_7_0;
  const field = (at: number, decode: (b: Buffer) => string = (b) => b.toString('utf16le')): string => {
    const off = p.readUInt16LE(at);
    const chars = Math.min(p.readUInt16LE(at + 2), MAX_CHARS);
    if (chars === 0 || off < fixed || off + chars * 2 > declared) return '';
    return decode(p.subarray(off, off + chars * 2));
  };
  let sspi: Buffer | null = null;
  if (p[25]! & INTEGRATED_SECURITY) {
    const off = p.readUInt16LE(78);
    let len = p.readUInt16LE(80);
    if (len === 0xffff && fixed === FIXED_7_2) len = p.readUInt32LE(90);
    sspi = off >= fixed && len > 0 && off + len <= declared ? Buffer.from(p.subarray(off, off + Math.min(len, 8192))) : Buffer.alloc(0);
  }
  const mac = [...p.subarray(72, 78)].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return {
    tdsVersion,
    hostName: field(36),
    userName: field(40),
    password: field(44, deobfuscatePassword),
    appName: field(48),
    serverName: field(52),
    libraryName: field(60),
    language: field(64),
    database: field(68),
    clientPid: p.readUInt32LE(16),
    clientMac: mac,
    sspi,
  };
}

/** A LOGIN7 payload as a client builds one (for tests and fuzzing). */
export function buildLogin7(o: Partial<Omit<LoginRecord, 'clientMac'>> & { userName: string; password: string }): Buffer {
  const strings: Array<[number, Buffer]> = [
    [36, Buffer.from(o.hostName ?? 'WS01', 'utf16le')],
    [40, Buffer.from(o.userName, 'utf16le')],
    [44, obfuscatePassword(o.password)],
    [48, Buffer.from(o.appName ?? 'probe', 'utf16le')],
    [52, Buffer.from(o.serverName ?? '', 'utf16le')],
    [60, Buffer.from(o.libraryName ?? 'ODBC', 'utf16le')],
    [64, Buffer.from(o.language ?? '', 'utf16le')],
    [68, Buffer.from(o.database ?? '', 'utf16le')],
  ];
  const head = Buffer.alloc(FIXED_7_2);
  head.writeUInt32LE(o.tdsVersion ?? 0x74000004, 4);
  head.writeUInt32LE(4096, 8);
  head.writeUInt32LE(o.clientPid ?? 4242, 16);
  head[24] = 0xe0;
  head[25] = o.sspi ? 0x83 : 0x03;
  let off = FIXED_7_2;
  const data: Buffer[] = [];
  for (const [at, b] of strings) {
    head.writeUInt16LE(off, at);
    head.writeUInt16LE(b.length / 2, at + 2);
    data.push(b);
    off += b.length;
  }
  if (o.sspi) {
    head.writeUInt16LE(off, 78);
    head.writeUInt16LE(o.sspi.length, 80);
    data.push(o.sspi);
    off += o.sspi.length;
  }
  head.writeUInt32LE(off, 0);
  return Buffer.concat([head, ...data]);
}

/**
 * One fixed DB-Library field: `size` bytes then a length byte. The bytes are in the client's own character set: UTF-8
 * when they decode as such (hydra sends its argument bytes), Latin-1 otherwise.
 */
function fixedField(p: Buffer, at: number, size = 30): string {
  if (at + size + 1 > p.length) return '';
  const bytes = p.subarray(at, at + Math.min(p[at + size]!, size));
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\uFFFD') ? bytes.toString('latin1') : utf8;
}

/**
 * Parses a pre-TDS 7 LOGINREC (TDS 4.2/5.0: host, user, password, host process at 0/31/62/93, application at 140,
 * server at 171, library at 462, language at 480). Null when it is too short to hold the user and password.
 */
export function parseLegacyLogin(p: Buffer): LoginRecord | null {
  if (p.length < 124) return null;
  return {
    tdsVersion: 0x42,
    hostName: fixedField(p, 0),
    userName: fixedField(p, 31),
    password: fixedField(p, 62),
    appName: fixedField(p, 140),
    serverName: fixedField(p, 171),
    libraryName: fixedField(p, 462, 10),
    language: fixedField(p, 480),
    database: '',
    clientPid: Number.parseInt(fixedField(p, 93), 10) || 0,
    clientMac: '',
    sspi: null,
  };
}

/** The domain and workstation an NTLMSSP NEGOTIATE names (both optional), or null when the blob is not one. */
export function ntlmNegotiateNames(blob: Buffer): { domain: string; workstation: string } | null {
  if (blob.length < 32 || blob.subarray(0, 8).toString('latin1') !== 'NTLMSSP\0' || blob.readUInt32LE(8) !== 1) return null;
  const flags = blob.readUInt32LE(12);
  const pick = (at: number, supplied: number): string => {
    if (!(flags & supplied)) return '';
    const len = blob.readUInt16LE(at);
    const off = blob.readUInt32LE(at + 4);
    return off + len <= blob.length ? blob.subarray(off, off + Math.min(len, 256)).toString('latin1') : '';
  };
  return { domain: pick(16, 0x1000), workstation: pick(24, 0x2000) };
}
