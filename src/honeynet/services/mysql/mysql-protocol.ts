/**
 * The MySQL client/server protocol, as far as a login goes: packet framing (3-byte length, sequence id), the v10
 * greeting, HandshakeResponse41 / SSLRequest parsing, AuthSwitchRequest, ERR packets, and the
 * mysql_native_password scramble (for tests and for checking what was captured). Parsing never throws.
 */
import { createHash } from 'node:crypto';
import type { MysqlRelease } from './mysql-release.js';

export const CLIENT = {
  LONG_PASSWORD: 0x1,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  SECURE_CONNECTION: 0x8000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
} as const;

export interface Packet {
  seq: number;
  payload: Buffer;
}

/** Splits a byte stream into packets; a packet announcing more than `maxPacket` bytes is an error (the caller closes). */
export class PacketReader {
  private buf = Buffer.alloc(0);
  failed = false;

  constructor(private readonly maxPacket = 16 * 1024) {}

  get buffered(): number {
    return this.buf.length;
  }

  feed(chunk: Uint8Array): Packet[] {
    const out: Packet[] = [];
    if (this.failed) return out;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    let pos = 0;
    while (this.buf.length - pos >= 4) {
      const len = this.buf.readUIntLE(pos, 3);
      if (len > this.maxPacket) {
        this.failed = true;
        this.buf = Buffer.alloc(0);
        return out;
      }
      if (this.buf.length - pos < 4 + len) break;
      out.push({ seq: this.buf[pos + 3]!, payload: Buffer.from(this.buf.subarray(pos + 4, pos + 4 + len)) });
      pos += 4 + len;
    }
    this.buf = Buffer.from(this.buf.subarray(pos));
    return out;
  }
}

export function packet(seq: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUIntLE(payload.length, 0, 3);
  head[3] = seq & 0xff;
  return Buffer.concat([head, payload]);
}

/** The Protocol::HandshakeV10 payload. `scramble` is 20 bytes (printable, no NUL, as servers generate it). */
export function greeting(release: MysqlRelease, connectionId: number, scramble: Buffer): Buffer {
  const caps = release.capabilities >>> 0;
  const fixed = Buffer.alloc(1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let o = 0;
  fixed[o++] = 10;
  const version = Buffer.from(`${release.version}\0`, 'latin1');
  fixed.writeUInt32LE(connectionId >>> 0, o);
  o += 4;
  scramble.copy(fixed, o, 0, 8);
  o += 8;
  fixed[o++] = 0;
  fixed.writeUInt16LE(caps & 0xffff, o);
  o += 2;
  fixed[o++] = release.charset;
  fixed.writeUInt16LE(0x0002, o); // SERVER_STATUS_AUTOCOMMIT
  o += 2;
  fixed.writeUInt16LE(caps >>> 16, o);
  o += 2;
  fixed[o++] = 21;
  // 10 reserved bytes; MariaDB puts its extended capabilities in the last 4.
  if (release.flavor === 'mariadb') fixed.writeUInt32LE(release.mariadbCapabilities, o + 6);
  return Buffer.concat([fixed.subarray(0, 1), version, fixed.subarray(1), scramble.subarray(8, 20), Buffer.from([0]), Buffer.from(`${release.plugin}\0`, 'latin1')]);
}

/** A scramble as mysqld makes it: 20 random bytes in the printable ASCII range (never NUL or `$`-free guarantees needed). */
export function makeScramble(random: (n: number) => Buffer): Buffer {
  const raw = random(20);
  return Buffer.from([...raw].map((b) => 0x21 + (b % 94)));
}

export interface HandshakeResponse {
  capabilities: number;
  ssl: boolean;
  username: string;
  authResponse: Buffer;
  database?: string;
  plugin?: string;
  attrs: Record<string, string>;
}

/**
 * Parses HandshakeResponse41 (or an SSLRequest: the 32-byte prefix of one with CLIENT_SSL set, `ssl: true`).
 * Null when the packet is not one (a pre-4.1 client or garbage).
 */
export function parseHandshakeResponse(p: Buffer): HandshakeResponse | null {
  if (p.length < 32) return null;
  const caps = p.readUInt32LE(0);
  if (!(caps & CLIENT.PROTOCOL_41)) return null;
  if (p.length === 32) return caps & CLIENT.SSL ? { capabilities: caps, ssl: true, username: '', authResponse: Buffer.alloc(0), attrs: {} } : null;
  let o = 32;
  const cstr = (): string | null => {
    const end = p.indexOf(0, o);
    if (end < 0) return null;
    const s = p.subarray(o, end).toString('utf8');
    o = end + 1;
    return s;
  };
  const lenenc = (): number | null => {
    const b = p[o];
    if (b === undefined) return null;
    if (b < 0xfb) {
      o += 1;
      return b;
    }
    if (b === 0xfc && o + 3 <= p.length) {
      o += 3;
      return p.readUInt16LE(o - 2);
    }
    if (b === 0xfd && o + 4 <= p.length) {
      o += 4;
      return p.readUIntLE(o - 3, 3);
    }
    return null;
  };
  const username = cstr();
  if (username === null) return null;
  let authResponse: Buffer;
  if (caps & CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA) {
    const n = lenenc();
    if (n === null || o + n > p.length) return null;
    authResponse = Buffer.from(p.subarray(o, o + n));
    o += n;
  } else if (caps & CLIENT.SECURE_CONNECTION) {
    const n = p[o];
    if (n === undefined || o + 1 + n > p.length) return null;
    authResponse = Buffer.from(p.subarray(o + 1, o + 1 + n));
    o += 1 + n;
  } else {
    const end = p.indexOf(0, o);
    authResponse = Buffer.from(p.subarray(o, end < 0 ? p.length : end));
    o = end < 0 ? p.length : end + 1;
  }
  const out: HandshakeResponse = { capabilities: caps, ssl: false, username, authResponse, attrs: {} };
  if (caps & CLIENT.CONNECT_WITH_DB && o < p.length) out.database = cstr() ?? undefined;
  if (caps & CLIENT.PLUGIN_AUTH && o < p.length) out.plugin = cstr() ?? undefined;
  if (caps & CLIENT.CONNECT_ATTRS && o < p.length) {
    const total = lenenc();
    if (total !== null) {
      const end = Math.min(p.length, o + total);
      let count = 0;
      while (o < end && count++ < 64) {
        const kl = lenenc();
        if (kl === null || o + kl > end) break;
        const k = p.subarray(o, o + kl).toString('utf8');
        o += kl;
        const vl = lenenc();
        if (vl === null || o + vl > end) break;
        out.attrs[k.slice(0, 64)] = p.subarray(o, o + vl).toString('utf8').slice(0, 256);
        o += vl;
      }
    }
  }
  return out;
}

/** AuthSwitchRequest to mysql_native_password with the connection's scramble. */
export function authSwitch(scramble: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_native_password\0', 'latin1'), scramble, Buffer.from([0])]);
}

/** An ERR packet payload (protocol 4.1: `#` and the SQL state). */
export function errPacket(code: number, sqlState: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return Buffer.concat([head, Buffer.from(`#${sqlState}`, 'latin1'), Buffer.from(message, 'utf8')]);
}

export function accessDenied(user: string, host: string, usingPassword: boolean): Buffer {
  return errPacket(1045, '28000', `Access denied for user '${user}'@'${host}' (using password: ${usingPassword ? 'YES' : 'NO'})`);
}

const sha1 = (...b: Buffer[]) => createHash('sha1').update(Buffer.concat(b)).digest();

/** mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
export function nativePassword(password: string, scramble: Buffer): Buffer {
  const h1 = sha1(Buffer.from(password, 'utf8'));
  const h3 = sha1(scramble, sha1(h1));
  return Buffer.from(h1.map((b, i) => b ^ h3[i]!));
}

/** hashcat mode 11200 (MySQL CRAM (SHA1)). */
export function hashcatMysqlNative(scramble: Buffer, response: Buffer): string {
  return `$mysqlna$${scramble.toString('hex')}*${response.toString('hex')}`;
}
