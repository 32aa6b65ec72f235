/**
 * The PRELOGIN exchange (MS-TDS 2.2.6.5): a table of (token, offset, length) options ending in 0xFF, then their data.
 * The server answers VERSION and ENCRYPTION always, and otherwise only the options the client sent — a server that
 * volunteers MARS to a client that did not ask (nmap's probe) is how nmap tells a Dionaea honeypot apart.
 */
import type { MssqlRelease } from './mssql-release.js';

export const OPTION = { VERSION: 0x00, ENCRYPTION: 0x01, INSTOPT: 0x02, THREADID: 0x03, MARS: 0x04, TRACEID: 0x05, FEDAUTHREQUIRED: 0x06, NONCEOPT: 0x07, TERMINATOR: 0xff } as const;

export const ENCRYPT = { OFF: 0x00, ON: 0x01, NOT_SUP: 0x02, REQ: 0x03 } as const;

export interface Prelogin {
  /** Option tokens in the order sent. */
  tokens: number[];
  /** The client library version (major.minor.build.sub) from VERSION. */
  version?: string;
  /** The client's ENCRYPTION byte, client-certificate bit (0x80) masked off. */
  encryption?: number;
  instance?: string;
  threadId?: number;
  mars?: number;
  fedAuthRequired?: number;
}

/** Parses a PRELOGIN payload; null when the option table is not well formed. */
export function parsePrelogin(p: Buffer): Prelogin | null {
  const out: Prelogin = { tokens: [] };
  let o = 0;
  for (let n = 0; ; n++) {
    if (n > 32 || o >= p.length) return null;
    const token = p[o]!;
    if (token === OPTION.TERMINATOR) break;
    if (o + 5 > p.length) return null;
    const off = p.readUInt16BE(o + 1);
    const len = p.readUInt16BE(o + 3);
    o += 5;
    if (off + len > p.length) return null;
    const data = p.subarray(off, off + len);
    out.tokens.push(token);
    if (token === OPTION.VERSION && len >= 6) out.version = `${data[0]}.${data[1]}.${data.readUInt16BE(2)}.${data.readUInt16BE(4)}`;
    else if (token === OPTION.ENCRYPTION && len >= 1) out.encryption = data[0]! & 0x7f;
    else if (token === OPTION.INSTOPT) {
      const end = data.indexOf(0);
      out.instance = data.subarray(0, end < 0 ? data.length : end).toString('latin1').slice(0, 64);
    } else if (token === OPTION.THREADID && len >= 4) out.threadId = data.readUInt32BE(0);
    else if (token === OPTION.MARS && len >= 1) out.mars = data[0]!;
    else if (token === OPTION.FEDAUTHREQUIRED && len >= 1) out.fedAuthRequired = data[0]!;
  }
  return out;
}

/**
 * What SQL Server answers to the client's ENCRYPTION byte. It always has a certificate (the self-signed fallback), so
 * it never says NOT_SUP to a client that can encrypt; with force-encryption on it requires TLS.
 */
export function negotiateEncryption(client: number | undefined, force: boolean): number {
  if (client === ENCRYPT.ON || client === ENCRYPT.REQ) return ENCRYPT.ON;
  if (force) return ENCRYPT.REQ;
  if (client === ENCRYPT.NOT_SUP) return ENCRYPT.NOT_SUP;
  return ENCRYPT.OFF;
}

/** The default instance answers INSTOPT 0 for its own name (MSSQLServer) or none, 1 (mismatch) otherwise. */
function instanceMismatch(name: string | undefined): number {
  return !name || name.toUpperCase() === 'MSSQLSERVER' ? 0 : 1;
}

/** The option table (token, big-endian offset and length), the terminator, then the options' data in order. */
function optionTable(options: Array<[number, Buffer]>): Buffer {
  const table = Buffer.alloc(options.length * 5 + 1);
  let off = table.length;
  options.forEach(([token, data], i) => {
    table[i * 5] = token;
    table.writeUInt16BE(off, i * 5 + 1);
    table.writeUInt16BE(data.length, i * 5 + 3);
    off += data.length;
  });
  table[table.length - 1] = OPTION.TERMINATOR;
  return Buffer.concat([table, ...options.map(([, d]) => d)]);
}

/** The server's PRELOGIN response payload. */
export function preloginResponse(req: Prelogin, release: MssqlRelease, encryption: number): Buffer {
  const version = Buffer.alloc(6);
  version[0] = release.major;
  version[1] = release.minor;
  version.writeUInt16BE(release.build, 2);
  const sent = new Set(req.tokens);
  const options: Array<[number, Buffer]> = [
    [OPTION.VERSION, version],
    [OPTION.ENCRYPTION, Buffer.from([encryption])],
  ];
  if (sent.has(OPTION.INSTOPT)) options.push([OPTION.INSTOPT, Buffer.from([instanceMismatch(req.instance)])]);
  if (sent.has(OPTION.THREADID)) options.push([OPTION.THREADID, Buffer.alloc(0)]);
  if (sent.has(OPTION.MARS)) options.push([OPTION.MARS, Buffer.from([0])]);
  if (sent.has(OPTION.FEDAUTHREQUIRED)) options.push([OPTION.FEDAUTHREQUIRED, Buffer.from([0])]);
  return optionTable(options);
}

/** A PRELOGIN request as clients build one (for tests and fuzzing). */
export function preloginRequest(o: { encryption: number; instance?: string; mars?: boolean; threadId?: number; version?: [number, number, number, number] }): Buffer {
  const [a, b, c, d] = o.version ?? [9, 0, 0, 0];
  const version = Buffer.alloc(6);
  version[0] = a;
  version[1] = b;
  version.writeUInt16BE(c, 2);
  version.writeUInt16BE(d, 4);
  const thread = Buffer.alloc(4);
  thread.writeUInt32BE(o.threadId ?? 0x1234, 0);
  const options: Array<[number, Buffer]> = [
    [OPTION.VERSION, version],
    [OPTION.ENCRYPTION, Buffer.from([o.encryption])],
    [OPTION.INSTOPT, Buffer.from(`${o.instance ?? 'MSSQLServer'}\0`, 'latin1')],
    [OPTION.THREADID, thread],
  ];
  if (o.mars) options.push([OPTION.MARS, Buffer.from([0])]);
  return optionTable(options);
}
