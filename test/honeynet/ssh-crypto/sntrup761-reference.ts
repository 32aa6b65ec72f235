/**
 * The other half of sntrup761 for tests: key generation and decapsulation (what an SSH client runs), from the
 * specification, on top of the encapsulation module's ring arithmetic and encodings. Polynomial inverses use
 * the extended Euclidean algorithm over GF(3) and GF(q) (not constant-time; tests only). Also the client side
 * of sntrup761x25519, so the server side can be checked against an independent peer.
 */
import { diffieHellman, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { decodeMixedRadix } from '../../../src/honeynet/ssh-crypto/ntru-prime-encoding.js';
import {
  CIPHERTEXT_BYTES, encodePublicKey, freeze3, freezeQ, hashPrefix, hide, multiplySmall, P, Q, randomShort, sessionKey, W,
} from '../../../src/honeynet/ssh-crypto/sntrup761.js';
import { hybridSecret, x25519PublicKeyFromRaw, x25519RawPublicKey } from '../../../src/honeynet/ssh-crypto/sntrup761x25519.js';

const mod = (x: number, m: number) => ((x % m) + m) % m;

function modInverse(a: number, m: number): number {
  let [r0, r1, s0, s1] = [m, mod(a, m), 0, 1];
  while (r1 !== 0) {
    const quotient = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - quotient * r1];
    [s0, s1] = [s1, s0 - quotient * s1];
  }
  if (r0 !== 1) throw new Error(`${a} has no inverse mod ${m}`);
  return mod(s0, m);
}

/** Polynomials over GF(m) as coefficient arrays, lowest degree first, without trailing zeros. */
type Poly = number[];
const trim = (a: Poly): Poly => {
  let n = a.length;
  while (n > 0 && a[n - 1] === 0) n--;
  return a.slice(0, n);
};

function subtractScaledShifted(a: Poly, b: Poly, factor: number, shift: number, m: number): Poly {
  const out = Array.from({ length: Math.max(a.length, b.length + shift) }, (_, i) => a[i] ?? 0);
  for (let i = 0; i < b.length; i++) out[i + shift] = mod(out[i + shift]! - factor * b[i]!, m);
  return trim(out);
}

/** The inverse of a in GF(m)[x]/(x^p - x - 1), or undefined when a shares a factor with the modulus. */
function inverseInRing(a: ArrayLike<number>, m: number): Poly | undefined {
  // Invariant: s_i * a = r_i (mod the ring polynomial).
  let r0: Poly = trim(Array.from({ length: P + 1 }, (_, i) => (i === 0 ? m - 1 : i === 1 ? m - 1 : i === P ? 1 : 0)));
  let r1: Poly = trim(Array.from(a, (v) => mod(v, m)));
  let s0: Poly = [];
  let s1: Poly = [1];
  while (r1.length > 1) {
    const lead = modInverse(r1[r1.length - 1]!, m);
    let rem = r0;
    let s = s0;
    while (rem.length >= r1.length) {
      const factor = mod(rem[rem.length - 1]! * lead, m);
      const shift = rem.length - r1.length;
      rem = subtractScaledShifted(rem, r1, factor, shift, m);
      s = subtractScaledShifted(s, s1, factor, shift, m);
    }
    [r0, r1, s0, s1] = [r1, rem, s1, s];
  }
  if (r1.length === 0) return undefined;
  const scale = modInverse(r1[0]!, m);
  // s1 may exceed degree p-1 only transiently; reduce by x^p = x + 1.
  const out = new Array<number>(P).fill(0);
  const coefficients = s1.map((c) => mod(c * scale, m));
  for (let i = coefficients.length - 1; i >= 0; i--) {
    if (i < P) out[i] = mod(out[i]! + coefficients[i]!, m);
    else {
      coefficients[i - P] = mod(coefficients[i - P]! + coefficients[i]!, m);
      coefficients[i - P + 1] = mod(coefficients[i - P + 1]! + coefficients[i]!, m);
    }
  }
  return out;
}

const centered = (v: number, m: number) => (v > (m - 1) / 2 ? v - m : v);

export interface Sntrup761KeyPair {
  publicKey: Buffer;
  f: Int8Array;
  ginv: Int8Array;
  /** Random bytes hashed into the session key when a ciphertext does not check (implicit rejection). */
  rho: Buffer;
}

/** The spec's KeyGen: h = g / (3f) with g invertible mod 3, f short. */
export function sntrup761KeyPair(): Sntrup761KeyPair {
  for (;;) {
    const g = Int8Array.from({ length: P }, () => randomInt(3) - 1);
    const ginv = inverseInRing(g, 3);
    if (!ginv) continue;
    const f = randomShort();
    const inverse3f = inverseInRing(Array.from(f, (c) => 3 * c), Q);
    if (!inverse3f) continue;
    const h = Array.from(multiplySmall(inverse3f.map((c) => centered(c, Q)), g), freezeQ);
    return { publicKey: encodePublicKey(h), f, ginv: Int8Array.from(ginv, (c) => centered(c, 3)), rho: randomBytes(191) };
  }
}

/** The spec's Decap: decrypt, re-encrypt, and hash r (or rho, if the ciphertext does not match) with it. */
export function sntrup761Decapsulate(ciphertext: Uint8Array, key: Sntrup761KeyPair): Buffer {
  if (ciphertext.length !== CIPHERTEXT_BYTES) throw new RangeError('bad ciphertext length');
  const c = Array.from(decodeMixedRadix(ciphertext.subarray(0, CIPHERTEXT_BYTES - 32), new Array<number>(P).fill((Q + 2) / 3)), (v) => v * 3 - (Q - 1) / 2);
  const e = Int8Array.from(multiplySmall(c, key.f), (v) => freeze3(freezeQ(3 * freezeQ(v))));
  const ev = Int8Array.from(multiplySmall(e, key.ginv), freeze3);
  const weight = ev.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
  const r = weight === W ? ev : Int8Array.from({ length: P }, (_, i) => (i < W ? 1 : 0));
  const h = Array.from(decodeMixedRadix(key.publicKey, new Array<number>(P).fill(Q)), (v) => v - (Q - 1) / 2);
  const again = hide(r, h, hashPrefix(4, key.publicKey));
  return again.ciphertext.equals(ciphertext) ? sessionKey(1, again.rEncoded, ciphertext) : sessionKey(0, key.rho, ciphertext);
}

/** An sntrup761x25519 client: Q_C, and the shared secret once the server's Q_S arrives. */
export function sntrup761x25519Client(): { clientBlob: Buffer; finish(serverBlob: Uint8Array): Buffer } {
  const kem = sntrup761KeyPair();
  const x: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('x25519');
  return {
    clientBlob: Buffer.concat([kem.publicKey, x25519RawPublicKey(x.publicKey)]),
    finish(serverBlob) {
      const kemKey = sntrup761Decapsulate(serverBlob.subarray(0, CIPHERTEXT_BYTES), kem);
      const secret = diffieHellman({ privateKey: x.privateKey, publicKey: x25519PublicKeyFromRaw(serverBlob.subarray(CIPHERTEXT_BYTES)) });
      return hybridSecret(kemKey, secret);
    },
  };
}
