/**
 * The PostgreSQL v3 wire protocol up to authentication: the untyped startup packets (SSLRequest, GSSENCRequest,
 * CancelRequest, StartupMessage), typed messages after them, the Authentication requests and ErrorResponse.
 * Bounded (a startup packet is at most 10,000 bytes, as the server allows; other messages `maxMessage`) and
 * never throws.
 */
import { createHash } from 'node:crypto';

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const MAX_STARTUP = 10_000;

export type Startup =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel' }
  | { kind: 'startup'; major: number; minor: number; params: Record<string, string> }
  | { kind: 'unsupported'; major: number; minor: number }
  /** A v3 StartupMessage whose last byte is not the terminating NUL. */
  | { kind: 'layout' }
  | { kind: 'invalid' };

export type PgMessage = { type: string; body: Buffer };

/** Reads the untyped startup packet(s) and then typed messages; `failed` after a length past the caps. */
export class PgReader {
  private buf = Buffer.alloc(0);
  failed = false;
  startupDone = false;

  constructor(private readonly maxMessage = 8192) {}

  get buffered(): number {
    return this.buf.length;
  }

  private append(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
  }

  /** Feeds bytes; returns startup packets (until `startupDone` is set by the caller) or typed messages. */
  feed(chunk: Uint8Array): Array<Startup | PgMessage> {
    const out: Array<Startup | PgMessage> = [];
    if (this.failed) return out;
    this.append(chunk);
    let pos = 0;
    for (;;) {
      if (!this.startupDone) {
        if (this.buf.length - pos < 4) break;
        const len = this.buf.readUInt32BE(pos);
        if (len < 8 || len > MAX_STARTUP) {
          this.failed = true;
          out.push({ kind: 'invalid' });
          break;
        }
        if (this.buf.length - pos < len) break;
        const s = parseStartup(this.buf.subarray(pos + 4, pos + len));
        pos += len;
        out.push(s);
        // After a StartupMessage come typed messages; after SSL/GSS refusals another startup packet.
        if (s.kind === 'startup') this.startupDone = true;
        if (s.kind !== 'ssl' && s.kind !== 'gssenc' && s.kind !== 'startup') {
          this.failed = true;
          break;
        }
      } else {
        if (this.buf.length - pos < 5) break;
        const len = this.buf.readUInt32BE(pos + 1);
        if (len < 4 || len > this.maxMessage) {
          this.failed = true;
          break;
        }
        if (this.buf.length - pos < 1 + len) break;
        out.push({ type: String.fromCharCode(this.buf[pos]!), body: Buffer.from(this.buf.subarray(pos + 5, pos + 1 + len)) });
        pos += 1 + len;
      }
    }
    this.buf = this.failed ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(pos));
    return out;
  }
}

export function parseStartup(p: Buffer): Startup {
  if (p.length < 4) return { kind: 'invalid' };
  const code = p.readUInt32BE(0);
  if (code === SSL_REQUEST) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST) return { kind: 'cancel' };
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== 3) return { kind: 'unsupported', major, minor };
  if (p[p.length - 1] !== 0) return { kind: 'layout' };
  const params: Record<string, string> = {};
  const parts = p.subarray(4).toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length && i < 128; i += 2) {
    if (parts[i] === '') break;
    params[parts[i]!.slice(0, 64)] = parts[i + 1]!.slice(0, 256);
  }
  return { kind: 'startup', major, minor, params };
}

function msg(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

export function authRequest(code: number, extra: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(code);
  return msg('R', Buffer.concat([b, extra]));
}

export const authCleartext = () => authRequest(3);
export const authMd5 = (salt: Buffer) => authRequest(5, salt);

/** NegotiateProtocolVersion: the newest 3.x minor supported (0) and the `_pq_.` options not recognised. */
export function negotiateProtocol(options: string[]): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(0, 0);
  b.writeUInt32BE(options.length, 4);
  return msg('v', Buffer.concat([b, ...options.map((o) => Buffer.from(`${o}\0`, 'utf8'))]));
}

/** ErrorResponse with fields in the server's order: S, V, C, M, F, L, R. */
export function errorResponse(f: { severity: string; code: string; message: string; file: string; line: number; routine: string }): Buffer {
  const fields: Array<[string, string]> = [['S', f.severity], ['V', f.severity], ['C', f.code], ['M', f.message], ['F', f.file], ['L', String(f.line)], ['R', f.routine]];
  return msg('E', Buffer.concat([...fields.map(([k, v]) => Buffer.from(`${k}${v}\0`, 'utf8')), Buffer.from([0])]));
}

/** Parses ErrorResponse fields (tests). */
export function parseErrorFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of body.toString('utf8').split('\0')) if (part) out[part[0]!] = part.slice(1);
  return out;
}

/** What libpq sends for md5: 'md5' + md5(md5(password + user) + salt). */
export function md5Password(password: string, user: string, salt: Buffer): string {
  const inner = createHash('md5').update(`${password}${user}`).digest('hex');
  return `md5${createHash('md5').update(Buffer.concat([Buffer.from(inner), salt])).digest('hex')}`;
}

/** hashcat mode 11100 (PostgreSQL CRAM (MD5)). */
export function hashcatPostgresMd5(user: string, salt: Buffer, response: string): string {
  return `$postgres$${user}*${salt.toString('hex')}*${response.replace(/^md5/, '')}`;
}
