/**
 * SMB2/3 messages (MS-SMB2 2.2) a server needs up to authentication: the 64-byte sync header, NEGOTIATE request
 * and response (with the 3.1.1 negotiate contexts), SESSION_SETUP request and response, ECHO, and the error
 * response. Parsers return null on anything malformed; every offset is checked against the message.
 */
export const SMB2_MAGIC = Buffer.from([0xfe, 0x53, 0x4d, 0x42]);
export const SMB2_HEADER = 64;

export const SMB2_CMD = { NEGOTIATE: 0, SESSION_SETUP: 1, LOGOFF: 2, TREE_CONNECT: 3, ECHO: 13 } as const;

export const STATUS = {
  SUCCESS: 0,
  MORE_PROCESSING_REQUIRED: 0xc0000016,
  INVALID_PARAMETER: 0xc000000d,
  LOGON_FAILURE: 0xc000006d,
  NOT_SUPPORTED: 0xc00000bb,
  USER_SESSION_DELETED: 0xc0000203,
  ACCESS_DENIED: 0xc0000022,
} as const;

export const DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311] as const;

export interface Smb2Header {
  command: number;
  creditCharge: number;
  creditRequest: number;
  flags: number;
  nextCommand: number;
  messageId: bigint;
  processId: number;
  treeId: number;
  sessionId: bigint;
}

export function parseSmb2Header(msg: Buffer): Smb2Header | null {
  if (msg.length < SMB2_HEADER || !msg.subarray(0, 4).equals(SMB2_MAGIC) || msg.readUInt16LE(4) !== 64) return null;
  return {
    creditCharge: msg.readUInt16LE(6),
    command: msg.readUInt16LE(12),
    creditRequest: msg.readUInt16LE(14),
    flags: msg.readUInt32LE(16),
    nextCommand: msg.readUInt32LE(20),
    messageId: msg.readBigUInt64LE(24),
    processId: msg.readUInt32LE(32),
    treeId: msg.readUInt32LE(36),
    sessionId: msg.readBigUInt64LE(40),
  };
}

/** A response header for `req`: SERVER_TO_REDIR set, the request's ids echoed, `credits` granted. */
export function responseHeader(req: Smb2Header, o: { status: number; credits: number; sessionId?: bigint }): Buffer {
  const h = Buffer.alloc(SMB2_HEADER);
  SMB2_MAGIC.copy(h, 0);
  h.writeUInt16LE(64, 4);
  h.writeUInt16LE(req.creditCharge, 6);
  h.writeUInt32LE(o.status >>> 0, 8);
  h.writeUInt16LE(req.command, 12);
  h.writeUInt16LE(o.credits, 14);
  h.writeUInt32LE(0x00000001, 16);
  h.writeBigUInt64LE(req.messageId, 24);
  h.writeUInt32LE(req.processId, 32);
  h.writeUInt32LE(req.treeId, 36);
  h.writeBigUInt64LE(o.sessionId ?? req.sessionId, 40);
  return h;
}

/** SMB2 ERROR response body (2.2.2): StructureSize 9, no contexts, one byte of ErrorData. */
export function errorBody(): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(9, 0);
  return b;
}

export interface NegotiateContext {
  type: number;
  data: Buffer;
}

export interface Smb2NegotiateRequest {
  dialects: number[];
  securityMode: number;
  capabilities: number;
  clientGuid: Buffer;
  contexts: NegotiateContext[];
}

const MAX_CONTEXTS = 16;

/** NEGOTIATE request (2.2.3) after the header; contexts only when 0x0311 is offered. */
export function parseNegotiateRequest(msg: Buffer): Smb2NegotiateRequest | null {
  const b = SMB2_HEADER;
  if (msg.length < b + 36 || msg.readUInt16LE(b) !== 36) return null;
  const count = msg.readUInt16LE(b + 2);
  if (count === 0 || count > 64 || b + 36 + count * 2 > msg.length) return null;
  const dialects: number[] = [];
  for (let i = 0; i < count; i++) dialects.push(msg.readUInt16LE(b + 36 + i * 2));
  const contexts: NegotiateContext[] = [];
  if (dialects.includes(0x0311)) {
    let off = msg.readUInt32LE(b + 28);
    const n = Math.min(msg.readUInt16LE(b + 32), MAX_CONTEXTS);
    for (let i = 0; i < n; i++) {
      if (off + 8 > msg.length) break;
      const type = msg.readUInt16LE(off);
      const len = msg.readUInt16LE(off + 2);
      if (off + 8 + len > msg.length) break;
      contexts.push({ type, data: Buffer.from(msg.subarray(off + 8, off + 8 + len)) });
      off = (off + 8 + len + 7) & ~7;
    }
  }
  return { dialects, securityMode: msg.readUInt16LE(b + 4), capabilities: msg.readUInt32LE(b + 8), clientGuid: Buffer.from(msg.subarray(b + 12, b + 28)), contexts };
}

export interface NegotiateResponseFields {
  securityMode: number;
  dialect: number;
  serverGuid: Buffer;
  capabilities: number;
  maxTransact: number;
  maxRead: number;
  maxWrite: number;
  systemTime: Buffer;
  securityBuffer: Buffer;
  contexts: NegotiateContext[];
}

/** NEGOTIATE response body (2.2.4): the security buffer right after the fixed part, contexts 8-aligned after it. */
export function negotiateResponseBody(f: NegotiateResponseFields): Buffer {
  const fixed = Buffer.alloc(64);
  fixed.writeUInt16LE(65, 0);
  fixed.writeUInt16LE(f.securityMode, 2);
  fixed.writeUInt16LE(f.dialect, 4);
  fixed.writeUInt16LE(f.contexts.length, 6);
  f.serverGuid.copy(fixed, 8, 0, 16);
  fixed.writeUInt32LE(f.capabilities >>> 0, 24);
  fixed.writeUInt32LE(f.maxTransact, 28);
  fixed.writeUInt32LE(f.maxRead, 32);
  fixed.writeUInt32LE(f.maxWrite, 36);
  f.systemTime.copy(fixed, 40, 0, 8);
  // ServerStartTime (48) stays 0: Windows and Samba both send 0 now.
  fixed.writeUInt16LE(SMB2_HEADER + 64, 56);
  fixed.writeUInt16LE(f.securityBuffer.length, 58);
  const parts = [fixed, f.securityBuffer];
  let len = 64 + f.securityBuffer.length;
  if (f.contexts.length) {
    const pad = (8 - ((SMB2_HEADER + len) % 8)) % 8;
    parts.push(Buffer.alloc(pad));
    len += pad;
    fixed.writeUInt32LE(SMB2_HEADER + len, 60);
    f.contexts.forEach((c, i) => {
      const h = Buffer.alloc(8);
      h.writeUInt16LE(c.type, 0);
      h.writeUInt16LE(c.data.length, 2);
      parts.push(h, c.data);
      len += 8 + c.data.length;
      if (i < f.contexts.length - 1) {
        const p = (8 - (len % 8)) % 8;
        parts.push(Buffer.alloc(p));
        len += p;
      }
    });
  } else if (f.securityBuffer.length === 0) {
    parts.push(Buffer.alloc(1));
  }
  return Buffer.concat(parts);
}

export interface SessionSetupRequest {
  flags: number;
  securityMode: number;
  capabilities: number;
  previousSessionId: bigint;
  securityBuffer: Buffer;
}

/** SESSION_SETUP request (2.2.5). */
export function parseSessionSetup(msg: Buffer): SessionSetupRequest | null {
  const b = SMB2_HEADER;
  if (msg.length < b + 24 || msg.readUInt16LE(b) !== 25) return null;
  const off = msg.readUInt16LE(b + 12);
  const len = msg.readUInt16LE(b + 14);
  if (len > 0 && (off < b + 24 || off + len > msg.length)) return null;
  return { flags: msg[b + 2]!, securityMode: msg[b + 3]!, capabilities: msg.readUInt32LE(b + 4), previousSessionId: msg.readBigUInt64LE(b + 16), securityBuffer: Buffer.from(msg.subarray(off, off + len)) };
}

/** SESSION_SETUP response body (2.2.6). */
export function sessionSetupResponseBody(sessionFlags: number, securityBuffer: Buffer): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(9, 0);
  fixed.writeUInt16LE(sessionFlags, 2);
  fixed.writeUInt16LE(securityBuffer.length ? SMB2_HEADER + 8 : 0, 4);
  fixed.writeUInt16LE(securityBuffer.length, 6);
  return Buffer.concat([fixed, securityBuffer.length ? securityBuffer : Buffer.alloc(1)]);
}

/** ECHO response (2.2.29). */
export function echoBody(): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(4, 0);
  return b;
}
