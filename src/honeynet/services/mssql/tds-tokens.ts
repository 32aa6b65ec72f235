/**
 * The token stream SQL Server returns for a failed login: one ERROR token (0xAA) and a DONE token (0xFD) with
 * DONE_ERROR, nothing else — no LOGINACK, no ENVCHANGE. TDS 7.2 and later widen ERROR's line number and DONE's row
 * count; pre-TDS 7 clients get single-byte strings.
 */

export const TOKEN = { ERROR: 0xaa, DONE: 0xfd } as const;
const DONE_ERROR = 0x0002;

export interface ServerError {
  number: number;
  state: number;
  class: number;
  message: string;
  serverName: string;
  procName?: string;
  line?: number;
}

/** 18456 as every client sees it: the real reason (state 2, 5, 8, ...) only goes to the server's error log. */
export function loginFailed(user: string, serverName: string): ServerError {
  return { number: 18456, state: 1, class: 14, message: `Login failed for user '${user}'.`, serverName, line: 1 };
}

/** Integrated authentication on Linux without Active Directory set up (adutil/keytab): no NTLM, no domain trust. */
export function untrustedDomain(serverName: string): ServerError {
  return { number: 18452, state: 1, class: 14, message: 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.', serverName, line: 1 };
}

const bVarchar = (s: string) => {
  const b = Buffer.from(s.slice(0, 255), 'utf16le');
  return Buffer.concat([Buffer.from([b.length / 2]), b]);
};

/** ERROR then DONE(DONE_ERROR) for a TDS 7.x client; `tdsVersion` is the LOGIN7 version (0x72... and up are 7.2+). */
export function errorStream(e: ServerError, tdsVersion: number): Buffer {
  const wide = tdsVersion >>> 24 >= 0x72;
  const msg = Buffer.from(e.message, 'utf16le');
  const msgLen = Buffer.alloc(2);
  msgLen.writeUInt16LE(msg.length / 2);
  const head = Buffer.alloc(6);
  head.writeUInt32LE(e.number, 0);
  head[4] = e.state;
  head[5] = e.class;
  const line = Buffer.alloc(wide ? 4 : 2);
  if (wide) line.writeUInt32LE(e.line ?? 0);
  else line.writeUInt16LE(e.line ?? 0);
  const body = Buffer.concat([head, msgLen, msg, bVarchar(e.serverName), bVarchar(e.procName ?? ''), line]);
  const token = Buffer.alloc(3);
  token[0] = TOKEN.ERROR;
  token.writeUInt16LE(body.length, 1);
  const done = Buffer.alloc(wide ? 13 : 9);
  done[0] = TOKEN.DONE;
  done.writeUInt16LE(DONE_ERROR, 1);
  return Buffer.concat([token, body, done]);
}

/** The same for a pre-TDS 7 (DB-Library) client: 8-bit strings, 16-bit line number, 32-bit row count. */
export function legacyErrorStream(e: ServerError): Buffer {
  const latin = (s: string, max: number) => Buffer.from(s.slice(0, max), 'latin1');
  const msg = latin(e.message, 1024);
  const srv = latin(e.serverName, 255);
  const proc = latin(e.procName ?? '', 255);
  const body = Buffer.alloc(4 + 1 + 1 + 2 + msg.length + 1 + srv.length + 1 + proc.length + 2);
  let o = body.writeUInt32LE(e.number, 0);
  body[o++] = e.state;
  body[o++] = e.class;
  o = body.writeUInt16LE(msg.length, o);
  o += msg.copy(body, o);
  body[o++] = srv.length;
  o += srv.copy(body, o);
  body[o++] = proc.length;
  o += proc.copy(body, o);
  body.writeUInt16LE(e.line ?? 0, o);
  const token = Buffer.alloc(3);
  token[0] = TOKEN.ERROR;
  token.writeUInt16LE(body.length, 1);
  const done = Buffer.alloc(9);
  done[0] = TOKEN.DONE;
  done.writeUInt16LE(DONE_ERROR, 1);
  return Buffer.concat([token, body, done]);
}
