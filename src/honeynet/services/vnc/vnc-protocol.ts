import { createCipheriv } from 'node:crypto';

/**
 * RFB (RFC 6143) handshake pieces: the server's ProtocolVersion, parsing the client's, the security-type list
 * (3.7/3.8) or word (3.3), SecurityResult with its reason (3.8 only), and the VNC Authentication response in the
 * form crackers take it.
 */
export const RFB_38 = 'RFB 003.008\n';

export type RfbVersion = '3.3' | '3.7' | '3.8';

/**
 * The client's 12-byte ProtocolVersion → the version to speak, per RFC 6143 §7.1.1: 3.3, 3.7 and 3.8 as such,
 * anything newer as 3.8, the non-standard 3.4/3.5/3.6 (and 3.889, Apple's) handled as 3.3/3.8; null when it
 * is not a ProtocolVersion at all.
 */
export function parseClientVersion(b: Buffer): RfbVersion | null {
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(b.toString('latin1'));
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 3) return null;
  if (major > 3 || minor >= 8) return '3.8';
  if (minor === 7) return '3.7';
  return '3.3';
}

/** 3.7/3.8 security types: count then the types. */
export function securityTypes(types: number[]): Buffer {
  return Buffer.from([types.length, ...types]);
}

/** 3.3: the server picks, as a U32. */
export function securityType33(type: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(type);
  return b;
}

/** SecurityResult failed (1); in 3.8 followed by the reason string (U32 length + text). */
export function securityResultFailed(version: RfbVersion, reason = 'Authentication failed'): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(1);
  if (version !== '3.8') return head;
  const text = Buffer.from(reason, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(text.length);
  return Buffer.concat([head, len, text]);
}

/** John the Ripper's `vnc` format: `$vnc$*CHALLENGE*RESPONSE`, upper-case hex. */
export function vncHash(challenge: Buffer, response: Buffer): string {
  return `$vnc$*${challenge.toString('hex').toUpperCase()}*${response.toString('hex').toUpperCase()}`;
}

/**
 * The response a VNC client computes for `password` (for tests and offline checks): the password's first 8
 * bytes, zero-padded, each byte bit-reversed, as a DES key encrypting the two 8-byte halves of the challenge.
 * OpenSSL 3 drops single DES from its default provider, so it is computed as DES-EDE with K1 = K2 (EDE with
 * equal keys is DES).
 */
export function vncResponse(challenge: Buffer, password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let v = key[i]!;
    let r = 0;
    for (let j = 0; j < 8; j++) {
      r = (r << 1) | (v & 1);
      v >>= 1;
    }
    key[i] = r;
  }
  const c = createCipheriv('des-ede-ecb', Buffer.concat([key, key]), null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(challenge.subarray(0, 16)), c.final()]);
}

/** Collects exactly `n` bytes from a stream of chunks, holding no more than that. */
export class ExactReader {
  private parts: Buffer[] = [];
  private have = 0;
  private want = 0;

  expect(n: number): void {
    this.want = n;
    this.parts = [];
    this.have = 0;
  }

  /** Feeds a chunk; returns [the completed buffer or null, the bytes left over]. */
  feed(chunk: Buffer): [Buffer | null, Buffer] {
    const take = Math.min(this.want - this.have, chunk.length);
    if (take > 0) {
      this.parts.push(chunk.subarray(0, take));
      this.have += take;
    }
    const rest = chunk.subarray(take);
    if (this.want > 0 && this.have === this.want) {
      const done = Buffer.concat(this.parts, this.have);
      this.parts = [];
      this.have = 0;
      this.want = 0;
      return [done, rest];
    }
    return [null, rest];
  }

  get buffered(): number {
    return this.have;
  }
}
