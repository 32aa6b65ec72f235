/**
 * Attacker-side clients for the web and Windows-protocol honeypots in the `protocols` benchmark: one connection,
 * one complete failed login, resolved when the failure has come back. From the specifications, no client library:
 * HTTP Basic (and over TLS), SMB2 with NTLMSSP, RDP's X.224 cookie, and a TDS PRELOGIN + LOGIN7.
 */
import { randomBytes } from 'node:crypto';
import { conversation, type Wire } from './_protocol-clients.js';

type LoginAttempt = (port: number, n: number) => Promise<void>;

const basicAuth = (port: number, n: number, tls: boolean) =>
  conversation(port, async (w) => {
    w.write(`GET /admin HTTP/1.1\r\nHost: bench\r\nAuthorization: Basic ${Buffer.from(`admin:guess${n}`).toString('base64')}\r\nConnection: close\r\n\r\n`);
    await w.until(/^HTTP\/1\.1 401 /);
  }, tls);

/** A NetBIOS session message: 4-byte big-endian length, then the SMB message. */
function nbFrame(b: Buffer): { used: number; value: Buffer } | null {
  if (b.length < 4) return null;
  const len = b.readUInt32BE(0) & 0xffffff;
  return b.length < 4 + len ? null : { used: 4 + len, value: Buffer.from(b.subarray(4, 4 + len)) };
}

function smb2(command: number, messageId: number, sessionId: Buffer, body: Buffer): Buffer {
  const h = Buffer.alloc(64);
  Buffer.from([0xfe, 0x53, 0x4d, 0x42]).copy(h, 0);
  h.writeUInt16LE(64, 4);
  h.writeUInt16LE(command, 12);
  h.writeUInt16LE(1, 14); // credits requested
  h.writeUInt32LE(messageId, 24);
  sessionId.copy(h, 40);
  const msg = Buffer.concat([h, body]);
  const nb = Buffer.alloc(4);
  nb.writeUInt32BE(msg.length);
  return Buffer.concat([nb, msg]);
}

function sessionSetup(messageId: number, sessionId: Buffer, token: Buffer): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt16LE(25, 0);
  body[3] = 1; // signing enabled
  body.writeUInt16LE(64 + 24, 12);
  body.writeUInt16LE(token.length, 14);
  return smb2(1, messageId, sessionId, Buffer.concat([body, token]));
}

const NTLM_FLAGS = 0x00880205; // UNICODE | REQUEST_TARGET | NTLM | EXTENDED_SESSIONSECURITY | TARGET_INFO

function ntlmNegotiate(): Buffer {
  const b = Buffer.alloc(32);
  b.write('NTLMSSP\0', 0, 'latin1');
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(NTLM_FLAGS, 12);
  return b;
}

/** AUTHENTICATE with an NTLMv2-shaped response (a random proof: the server only records it). */
function ntlmAuthenticate(user: string): Buffer {
  const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), randomBytes(16), Buffer.alloc(8)]);
  const fields: Buffer[] = [Buffer.alloc(24), Buffer.concat([randomBytes(16), blob]), Buffer.from('WORKGROUP', 'utf16le'), Buffer.from(user, 'utf16le'), Buffer.from('BENCH', 'utf16le'), Buffer.alloc(0)];
  const head = Buffer.alloc(64);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(3, 8);
  let offset = 64;
  fields.forEach((f, i) => {
    head.writeUInt16LE(f.length, 12 + i * 8);
    head.writeUInt16LE(f.length, 14 + i * 8);
    head.writeUInt32LE(offset, 16 + i * 8);
    offset += f.length;
  });
  head.writeUInt32LE(NTLM_FLAGS, 60);
  return Buffer.concat([head, ...fields]);
}

/** A TDS packet: type, status EOM, length, spid, packet id, window. */
function tds(type: number, payload: Buffer): Buffer {
  const h = Buffer.from([type, 1, 0, 0, 0, 0, 1, 0]);
  h.writeUInt16BE(8 + payload.length, 2);
  return Buffer.concat([h, payload]);
}

function tdsPacket(b: Buffer): { used: number; value: Buffer } | null {
  if (b.length < 8) return null;
  const len = b.readUInt16BE(2);
  return b.length < len ? null : { used: len, value: Buffer.from(b.subarray(8, len)) };
}

/** PRELOGIN: VERSION and ENCRYPTION (not supported: the login then goes in clear). */
function prelogin(): Buffer {
  const options = Buffer.from([0x00, 0, 11, 0, 6, 0x01, 0, 17, 0, 1, 0xff]);
  return tds(0x12, Buffer.concat([options, Buffer.from([15, 0, 0x07, 0xd0, 0, 0]), Buffer.from([2])]));
}

/** LOGIN7 with host, user, password (obfuscated as TDS does), app, server and library names. */
function login7(user: string, password: string): Buffer {
  const strings = ['BENCH', user, password, 'bench', '127.0.0.1', '', 'bench-lib', '', ''];
  const fixed = Buffer.alloc(94);
  fixed.writeUInt32LE(0x74000004, 4); // TDS 7.4
  fixed.writeUInt32LE(4096, 8);
  let offset = 94;
  const data: Buffer[] = [];
  strings.forEach((s, i) => {
    let bytes = Buffer.from(s, 'utf16le');
    if (i === 2) bytes = Buffer.from(bytes.map((b) => (((b << 4) & 0xf0) | (b >> 4)) ^ 0xa5));
    fixed.writeUInt16LE(offset, 36 + i * 4);
    fixed.writeUInt16LE(s.length, 38 + i * 4);
    data.push(bytes);
    offset += bytes.length;
  });
  const body = Buffer.concat([fixed, ...data]);
  body.writeUInt32LE(body.length, 0);
  return tds(0x10, body);
}

export const WINDOWS_WEB_ATTEMPTS: Record<string, LoginAttempt> = {
  http: (port, n) => basicAuth(port, n, false),
  https: (port, n) => basicAuth(port, n, true),
  smb: (port, n) => conversation(port, async (w: Wire) => {
    const dialects = Buffer.alloc(36 + 4);
    dialects.writeUInt16LE(36, 0);
    dialects.writeUInt16LE(2, 2);
    dialects.writeUInt16LE(1, 4);
    dialects.writeUInt16LE(0x0202, 36);
    dialects.writeUInt16LE(0x0210, 38);
    w.write(smb2(0, 0, Buffer.alloc(8), dialects));
    await w.read(nbFrame);
    w.write(sessionSetup(1, Buffer.alloc(8), ntlmNegotiate()));
    const challenge = await w.read(nbFrame);
    if (challenge.readUInt32LE(8) !== 0xc0000016) throw new Error(`smb: expected MORE_PROCESSING_REQUIRED, got ${challenge.readUInt32LE(8).toString(16)}`);
    w.write(sessionSetup(2, challenge.subarray(40, 48), ntlmAuthenticate(`user${n}`)));
    const result = await w.read(nbFrame);
    if (result.readUInt32LE(8) !== 0xc000006d) throw new Error(`smb: expected LOGON_FAILURE, got ${result.readUInt32LE(8).toString(16)}`);
  }),
  // The X.224 Connection Request that carries the login name (mstshash) and asks for TLS; its Confirm ends it.
  rdp: (port, n) => conversation(port, async (w: Wire) => {
    const x224 = Buffer.concat([Buffer.from([0, 0xe0, 0, 0, 0, 0, 0]), Buffer.from(`Cookie: mstshash=user${n}\r\n`), Buffer.from([1, 0, 8, 0, 3, 0, 0, 0])]);
    x224[0] = x224.length - 1;
    const tpkt = Buffer.from([3, 0, 0, 0]);
    tpkt.writeUInt16BE(4 + x224.length, 2);
    w.write(Buffer.concat([tpkt, x224]));
    await w.bytes(19);
  }),
  mssql: (port, n) => conversation(port, async (w: Wire) => {
    w.write(prelogin());
    await w.read(tdsPacket);
    w.write(login7('sa', `guess${n}`));
    const reply = await w.read(tdsPacket);
    if (!reply.includes(Buffer.from('Login failed', 'utf16le'))) throw new Error('mssql: no "Login failed"');
  }),
};
