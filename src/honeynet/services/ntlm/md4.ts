/**
 * MD4 (RFC 1320). The NT hash is MD4 of the UTF-16LE password, and Node's OpenSSL 3 leaves MD4 out of its default
 * provider (`createHash('md4')` throws on most builds), so it is computed here. Only the tests and offline checks
 * need it: the honeypot never verifies a password.
 */
const S1 = [3, 7, 11, 19];
const S2 = [3, 5, 9, 13];
const S3 = [3, 9, 11, 15];
const ROUND3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/** MD4 digest (16 bytes) of `data`. */
export function md4(data: Uint8Array): Buffer {
  const bitLen = data.length * 8;
  // Pad: 0x80, zeros to 56 mod 64, then the bit length as a 64-bit little-endian number.
  const padded = Buffer.alloc(((data.length + 8) >> 6) * 64 + 64);
  padded.set(data);
  padded[data.length] = 0x80;
  padded.writeUInt32LE(bitLen >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bitLen / 0x100000000) >>> 0, padded.length - 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(off + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const word = (i: number): number => x[i]!;
    // Round 1: F(x,y,z) = (x & y) | (~x & z)
    for (let i = 0; i < 16; i++) {
      const f = (b & c) | (~b & d);
      const t = rotl((a + f + word(i)) >>> 0, S1[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    // Round 2: G(x,y,z) = majority, constant 0x5A827999, words in column order.
    for (let i = 0; i < 16; i++) {
      const g = (b & c) | (b & d) | (c & d);
      const k = (i % 4) * 4 + Math.floor(i / 4);
      const t = rotl((a + g + word(k) + 0x5a827999) >>> 0, S2[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    // Round 3: H(x,y,z) = x ^ y ^ z, constant 0x6ED9EBA1, words in bit-reversed order.
    for (let i = 0; i < 16; i++) {
      const h = b ^ c ^ d;
      const t = rotl((a + h + word(ROUND3_ORDER[i]!) + 0x6ed9eba1) >>> 0, S3[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(a, 0);
  out.writeUInt32LE(b, 4);
  out.writeUInt32LE(c, 8);
  out.writeUInt32LE(d, 12);
  return out;
}
