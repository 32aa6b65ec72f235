/**
 * UMAC (RFC 4418) with AES-128, written from the RFC: Tag = UHASH(K, M) xor PDF(K, Nonce). OpenSSH offers it
 * as umac-64@openssh.com and umac-128@openssh.com (8- and 16-byte tags); 4- and 12-byte tags are here too
 * because the RFC's test vectors cover them.
 *
 * Layout of UHASH, one iteration per 4 tag bytes, each with its own key slices:
 * - L1: NH over 1024-byte chunks (message words read little-endian, key words big-endian, as the RFC
 *   specifies and its test vectors confirm), plus the chunk's bit length, mod 2^64;
 * - L2: a polynomial hash over the L1 outputs (mod 2^64 - 59, then mod 2^128 - 159 past 2^17 bytes of them),
 *   skipped when the message fits one chunk;
 * - L3: an inner product mod 2^36 - 5, truncated to 32 bits and masked.
 * The 64-bit and wider arithmetic uses BigInt except in NH, the hot loop, which splits 32-bit products into
 * 16-bit halves so every partial sum stays exact in a double.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

export type UmacTagLength = 4 | 8 | 12 | 16;

const MASK64 = (1n << 64n) - 1n;
const P36 = 2n ** 36n - 5n;
const P64 = 2n ** 64n - 59n;
const P128 = 2n ** 128n - 159n;
const L1_CHUNK = 1024;

/** Big-endian bytes to an unsigned BigInt. */
function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** An unsigned BigInt to `length` big-endian bytes. */
function toBytes(value: bigint, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
}

/** One AES-128 block encryption; ECB keeps no state between blocks, so one cipher object serves every call. */
function aesBlock(key: Uint8Array): (block: Uint8Array) => Buffer {
  const cipher: Cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return (block) => cipher.update(block);
}

/** RFC 4418 KDF: AES(K, uint64(index) || uint64(i)) for i = 1, 2, ..., truncated to `length` bytes. */
function kdf(encrypt: (block: Uint8Array) => Buffer, index: number, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 1; blocks.length * 16 < length; i++) {
    const counter = Buffer.alloc(16);
    counter.writeBigUInt64BE(BigInt(index), 0);
    counter.writeBigUInt64BE(BigInt(i), 8);
    blocks.push(encrypt(counter));
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * NH over `wordCount` message words (a multiple of 8) starting at `words[0]`, with key words from
 * `key[keyOffset]`: the sum of (m[j] + k[j]) * (m[j+4] + k[j+4]) over each 8-word block, mod 2^64.
 */
function nh(words: Uint32Array, wordCount: number, key: Uint32Array, keyOffset: number): bigint {
  // At most 256 words: 128 products, so each partial sum stays below 2^41.
  let low = 0;
  let middle = 0;
  let high = 0;
  for (let i = 0; i < wordCount; i += 8) {
    for (let j = i; j < i + 4; j++) {
      const a = (words[j]! + key[keyOffset + j]!) >>> 0;
      const b = (words[j + 4]! + key[keyOffset + j + 4]!) >>> 0;
      const aLow = a & 0xffff;
      const aHigh = a >>> 16;
      const bLow = b & 0xffff;
      const bHigh = b >>> 16;
      low += aLow * bLow;
      middle += aLow * bHigh + aHigh * bLow;
      high += aHigh * bHigh;
    }
  }
  return ((BigInt(high) << 32n) + (BigInt(middle) << 16n) + BigInt(low)) & MASK64;
}

/** RFC 4418 POLY: y = 1; per word y = k*y + m mod p, words too close to p go in two steps (marker, m - offset). */
function poly(wordBits: 64 | 128, key: bigint, words: readonly bigint[], y = 1n): bigint {
  const p = wordBits === 64 ? P64 : P128;
  const maxWordRange = wordBits === 64 ? 2n ** 64n - 2n ** 32n : 2n ** 128n - 2n ** 96n;
  const offset = (1n << BigInt(wordBits)) - p;
  for (const m of words) {
    if (m >= maxWordRange) {
      y = (key * y + (p - 1n)) % p;
      y = (key * y + (m - offset)) % p;
    } else {
      y = (key * y + m) % p;
    }
  }
  return y;
}

interface IterationKeys {
  /** Offset of this iteration's NH key in the shared L1 key words (4 words per iteration). */
  nhOffset: number;
  l2Key64: bigint;
  l2Key128: bigint;
  /** Eight L3 multipliers, already reduced mod 2^36 - 5 (below 2^36, so products with 16-bit words stay exact). */
  l3Key1: number[];
  l3Key2: number;
}

export class Umac {
  private readonly encrypt: (block: Uint8Array) => Buffer;
  private readonly padEncrypt: (block: Uint8Array) => Buffer;
  private readonly nhKey: Uint32Array;
  private readonly iterations: IterationKeys[] = [];

  constructor(key: Uint8Array, readonly tagLength: UmacTagLength) {
    if (key.length !== 16) throw new RangeError('UMAC-AES-128 takes a 16-byte key');
    if (![4, 8, 12, 16].includes(tagLength)) throw new RangeError('UMAC tags are 4, 8, 12 or 16 bytes');
    this.encrypt = aesBlock(key);
    this.padEncrypt = aesBlock(kdf(this.encrypt, 0, 16));
    const iters = tagLength / 4;
    const l1 = kdf(this.encrypt, 1, L1_CHUNK + (iters - 1) * 16);
    this.nhKey = new Uint32Array(l1.length / 4);
    for (let i = 0; i < this.nhKey.length; i++) this.nhKey[i] = l1.readUInt32BE(i * 4);
    const l2 = kdf(this.encrypt, 2, iters * 24);
    const l3a = kdf(this.encrypt, 3, iters * 64);
    const l3b = kdf(this.encrypt, 4, iters * 4);
    for (let i = 0; i < iters; i++) {
      const l2Key = l2.subarray(i * 24, i * 24 + 24);
      this.iterations.push({
        nhOffset: i * 4,
        l2Key64: toBigInt(l2Key.subarray(0, 8)) & 0x01ffffff01ffffffn,
        l2Key128: toBigInt(l2Key.subarray(8, 24)) & 0x01ffffff01ffffff01ffffff01ffffffn,
        l3Key1: Array.from({ length: 8 }, (_, j) => Number(toBigInt(l3a.subarray(i * 64 + j * 8, i * 64 + j * 8 + 8)) % P36)),
        l3Key2: l3b.readUInt32BE(i * 4),
      });
    }
  }

  /** The tag of `message` under `nonce` (1 to 16 bytes; SSH uses the 8-byte packet sequence number). */
  tag(message: Uint8Array, nonce: Uint8Array): Buffer {
    const hash = this.uhash(message);
    const pad = this.pad(nonce);
    for (let i = 0; i < hash.length; i++) hash[i]! ^= pad[i]!;
    return hash;
  }

  /** RFC 4418 PDF: AES under the derived pad key; 4- and 8-byte tags take a slice chosen by the nonce's low bits. */
  private pad(nonce: Uint8Array): Buffer {
    if (nonce.length < 1 || nonce.length > 16) throw new RangeError('UMAC nonces are 1 to 16 bytes');
    const block = Buffer.alloc(16);
    block.set(nonce);
    let index = 0;
    if (this.tagLength <= 8) {
      const lowBits = 16 / this.tagLength - 1;
      index = block[nonce.length - 1]! & lowBits;
      block[nonce.length - 1]! &= ~lowBits;
    }
    return this.padEncrypt(block).subarray(index * this.tagLength, index * this.tagLength + this.tagLength);
  }

  private uhash(message: Uint8Array): Buffer {
    const words = this.messageWords(message);
    const chunks = Math.max(1, Math.ceil(message.length / L1_CHUNK));
    const out = Buffer.alloc(this.tagLength);
    this.iterations.forEach((keys, iteration) => {
      const l1: bigint[] = [];
      for (let c = 0; c < chunks; c++) {
        const chunkBytes = Math.min(L1_CHUNK, message.length - c * L1_CHUNK);
        // zeropad(chunk, 32): NH runs over whole 32-byte blocks, at least one (an empty message hashes one).
        const wordCount = Math.max(8, Math.ceil(chunkBytes / 32) * 8);
        const nhValue = nh(words.subarray(c * 256, c * 256 + wordCount), wordCount, this.nhKey, keys.nhOffset);
        l1.push((nhValue + BigInt(chunkBytes * 8)) & MASK64);
      }
      const l2 = message.length <= L1_CHUNK ? (l1[0] as bigint) : this.l2Hash(keys, l1);
      out.writeUInt32BE(this.l3Hash(keys, l2), iteration * 4);
    });
    return out;
  }

  /** The message as little-endian 32-bit words, zero-padded to whole 32-byte blocks. */
  private messageWords(message: Uint8Array): Uint32Array {
    const words = new Uint32Array(Math.max(8, Math.ceil(message.length / 32) * 8));
    const view = new DataView(message.buffer, message.byteOffset, message.length);
    const whole = message.length >>> 2;
    for (let i = 0; i < whole; i++) words[i] = view.getUint32(i * 4, true);
    for (let i = whole * 4; i < message.length; i++) words[i >>> 2]! |= message[i]! << ((i & 3) * 8);
    return words;
  }

  /**
   * RFC 4418 L2-HASH over the L1 outputs: POLY64 for the first 2^17 bytes of them (2^14 words, a 16 MiB
   * message), POLY128 for the rest. SSH packets never get there; the RFC's 2^25-byte vector does.
   */
  private l2Hash(keys: IterationKeys, l1: bigint[]): bigint {
    const POLY64_WORDS = 2 ** 14;
    let y = poly(64, keys.l2Key64, l1.slice(0, POLY64_WORDS));
    if (l1.length > POLY64_WORDS) {
      // The rest, with a 0x80 byte appended and zero-padded to whole 16-byte words, continues under POLY128.
      const rest = Buffer.concat([...l1.slice(POLY64_WORDS).map((v) => toBytes(v, 8)), Buffer.from([0x80])]);
      const padded = Buffer.concat([rest, Buffer.alloc((16 - (rest.length % 16)) % 16)]);
      const words = [y];
      for (let i = 0; i < padded.length; i += 16) words.push(toBigInt(padded.subarray(i, i + 16)));
      y = poly(128, keys.l2Key128, words);
    }
    return y;
  }

  /** RFC 4418 L3-HASH: the 16-byte L2 value as eight 16-bit words, inner product mod 2^36 - 5, low 32 bits, xor key. */
  private l3Hash(keys: IterationKeys, l2: bigint): number {
    const bytes = toBytes(l2, 16);
    let y = 0;
    for (let i = 0; i < 8; i++) y = (y + keys.l3Key1[i]! * bytes.readUInt16BE(i * 2)) % Number(P36);
    return ((y % 2 ** 32) ^ keys.l3Key2) >>> 0;
  }
}
