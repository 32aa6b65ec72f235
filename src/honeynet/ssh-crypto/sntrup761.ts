/**
 * Streamlined NTRU Prime sntrup761, the encapsulation side (what an SSH server runs), written from the
 * specification (round 3, as in SUPERCOP 20201130 and OpenSSH 8.5+). Ring R = Z[x]/(x^761 - x - 1); a public key
 * h in R/q (q = 4591) is encoded in 1158 bytes; the ciphertext is Round(h*r), r a random "short" polynomial
 * (exactly 286 coefficients +-1), encoded in 1007 bytes, plus a 32-byte confirmation hash; the session key is a
 * hash of r and the ciphertext. Hashes are SHA-512 truncated to 32 bytes over a one-byte domain prefix.
 *
 * Not constant-time (the sort, the sparse product): acceptable for a honeypot, whose sessions protect nothing.
 * Key generation and decapsulation are in the tests (test/honeynet/ssh-crypto/sntrup761-reference.ts).
 */
import { createHash, randomFillSync } from 'node:crypto';
import { decodeMixedRadix, encodeMixedRadix, encodeSmall } from './ntru-prime-encoding.js';

export const P = 761;
export const Q = 4591;
export const W = 286;
const Q12 = (Q - 1) / 2;
/** Rounded coefficients are multiples of 3 in [-Q12, Q12]; encoded as (c + Q12) / 3 < 1531. */
const ROUNDED_RANGE = (Q + 2) / 3;

export const PUBLIC_KEY_BYTES = 1158;
export const CIPHERTEXT_BYTES = 1039;
export const SHARED_KEY_BYTES = 32;

/** SHA-512 of one prefix byte then the parts, truncated to 32 bytes (the spec's Hash_prefix). */
export function hashPrefix(prefix: number, ...parts: Uint8Array[]): Buffer {
  const h = createHash('sha512').update(Uint8Array.of(prefix));
  for (const part of parts) h.update(part);
  return h.digest().subarray(0, 32);
}

/** x mod q as a representative in [-Q12, Q12]. */
export function freezeQ(x: number): number {
  const r = x % Q;
  return r > Q12 ? r - Q : r < -Q12 ? r + Q : r;
}

/** x mod 3 as -1, 0 or 1. */
export function freeze3(x: number): number {
  const r = x % 3;
  return r > 1 ? r - 3 : r < -1 ? r + 3 : r;
}

/**
 * a * s in Z[x]/(x^p - x - 1), s small (-1, 0, 1), before reduction mod q or 3: |coefficients| stay below
 * 3 * 761 * max|a|, exact in an Int32Array for the coefficient sizes used here. Zero coefficients of s are
 * skipped, so a short s (286 non-zero) costs 286 * 761 additions.
 */
export function multiplySmall(a: ArrayLike<number>, s: Int8Array): Int32Array {
  const product = new Int32Array(2 * P - 1);
  for (let j = 0; j < P; j++) {
    const sj = s[j]!;
    if (sj === 0) continue;
    for (let i = 0; i < P; i++) product[i + j]! += sj * a[i]!;
  }
  // x^(p+k) = x^(k+1) + x^k: fold the top half down, highest first (a fold never lands at p or above).
  for (let i = 2 * P - 2; i >= P; i--) {
    product[i - P]! += product[i]!;
    product[i - P + 1]! += product[i]!;
  }
  return product.subarray(0, P);
}

/** Public key bytes to h, coefficients in [-Q12, Q12]. */
export function decodePublicKey(publicKey: Uint8Array): Int16Array {
  const r = decodeMixedRadix(publicKey, new Array<number>(P).fill(Q));
  return Int16Array.from(r, (v) => v - Q12);
}

export function encodePublicKey(h: ArrayLike<number>): Buffer {
  return encodeMixedRadix(Array.from(h, (v) => v + Q12), new Array<number>(P).fill(Q));
}

/** Round(h*r): each coefficient of h*r mod q to the nearest multiple of 3, in its 1007-byte encoding. */
function encryptRounded(h: ArrayLike<number>, r: Int8Array): Buffer {
  const hr = multiplySmall(h, r);
  const rounded = new Array<number>(P);
  for (let i = 0; i < P; i++) {
    const c = freezeQ(hr[i]!);
    rounded[i] = (c - freeze3(c) + Q12) / 3;
  }
  return encodeMixedRadix(rounded, new Array<number>(P).fill(ROUNDED_RANGE));
}

/** A random short polynomial: W coefficients +-1 at random positions, the rest 0 (the spec's Short_random). */
export function randomShort(): Int8Array {
  const list = new Uint32Array(P);
  randomFillSync(list);
  // Low two bits carry the value after sorting on the random high bits: 0b00/0b10 (-1/+1) for W entries, 0b01 (0).
  for (let i = 0; i < P; i++) list[i] = i < W ? list[i]! & ~1 : (list[i]! & ~3) | 1;
  list.sort();
  return Int8Array.from(list, (v) => (v & 3) - 1);
}

/**
 * The spec's Hide: the ciphertext (rounded encryption of r, then HashConfirm) and r's encoding. `cache` is
 * hashPrefix(4, publicKey); decapsulation re-runs this to check a ciphertext.
 */
export function hide(r: Int8Array, h: ArrayLike<number>, cache: Uint8Array): { ciphertext: Buffer; rEncoded: Buffer } {
  const rEncoded = encodeSmall(r);
  const confirm = hashPrefix(2, hashPrefix(3, rEncoded), cache);
  return { ciphertext: Buffer.concat([encryptRounded(h, r), confirm]), rEncoded };
}

/** The spec's HashSession: the session key from r's encoding (or the reject value) and the ciphertext. */
export function sessionKey(prefix: number, rEncoded: Uint8Array, ciphertext: Uint8Array): Buffer {
  return hashPrefix(prefix, hashPrefix(3, rEncoded), ciphertext);
}

/** Encapsulate to a 1158-byte public key: a 1039-byte ciphertext and the 32-byte shared key. */
export function sntrup761Encapsulate(publicKey: Uint8Array, r: Int8Array = randomShort()): { ciphertext: Buffer; sharedKey: Buffer } {
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError(`sntrup761 public keys are ${PUBLIC_KEY_BYTES} bytes, got ${publicKey.length}`);
  const { ciphertext, rEncoded } = hide(r, decodePublicKey(publicKey), hashPrefix(4, publicKey));
  return { ciphertext, sharedKey: sessionKey(1, rEncoded, ciphertext) };
}
