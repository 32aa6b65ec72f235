/**
 * sntrup761 and the sntrup761x25519 hybrid: the byte encodings, encapsulation against our own key generation and
 * decapsulation (sntrup761-reference.ts, written separately from the spec's KeyGen and Decap), implicit
 * rejection of a tampered ciphertext, and how long an encapsulation takes (the server runs one per handshake).
 * Interoperability with OpenSSH itself is checked in openssh-interop.test.ts.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeMixedRadix, decodeSmall, encodeMixedRadix, encodeSmall } from '../../../src/honeynet/ssh-crypto/ntru-prime-encoding.js';
import {
  CIPHERTEXT_BYTES, decodePublicKey, encodePublicKey, P, PUBLIC_KEY_BYTES, Q, randomShort, sessionKey, SHARED_KEY_BYTES, sntrup761Encapsulate, W,
} from '../../../src/honeynet/ssh-crypto/sntrup761.js';
import { CLIENT_BLOB_BYTES, SERVER_BLOB_BYTES, sntrup761x25519Respond } from '../../../src/honeynet/ssh-crypto/sntrup761x25519.js';
import { sntrup761Decapsulate, sntrup761KeyPair, sntrup761x25519Client } from './sntrup761-reference.js';

describe('NTRU Prime encodings', () => {
  it('packs 761 values mod 4591 into 1158 bytes and 761 values mod 1531 into 1007, and back', () => {
    for (const [range, bytes] of [[Q, 1158], [(Q + 2) / 3, 1007]] as const) {
      for (let round = 0; round < 5; round++) {
        const values = Array.from({ length: P }, () => randomInt(range));
        const ranges = new Array<number>(P).fill(range);
        const encoded = encodeMixedRadix(values, ranges);
        assert.equal(encoded.length, bytes);
        assert.deepEqual(Array.from(decodeMixedRadix(encoded, ranges)), values);
      }
    }
  });

  it('encodes the extremes (all zero, all maximal) and odd lengths with mixed ranges', () => {
    for (const fill of [0, Q - 1]) {
      const ranges = new Array<number>(P).fill(Q);
      assert.deepEqual(Array.from(decodeMixedRadix(encodeMixedRadix(new Array<number>(P).fill(fill), ranges), ranges)), new Array<number>(P).fill(fill));
    }
    const ranges = [3, 300, 16383, 2, 5000, 1, 77];
    const values = ranges.map((m) => m - 1);
    assert.deepEqual(Array.from(decodeMixedRadix(encodeMixedRadix(values, ranges), ranges)), values);
  });

  it('stores small polynomials four coefficients to a byte (191 bytes for 761)', () => {
    const f = randomShort();
    const bytes = encodeSmall(f);
    assert.equal(bytes.length, 191);
    assert.deepEqual(decodeSmall(bytes, P), f);
  });

  it('round-trips a public key polynomial (coefficients in [-2295, 2295])', () => {
    const h = Int16Array.from({ length: P }, () => randomInt(Q) - (Q - 1) / 2);
    assert.deepEqual(decodePublicKey(encodePublicKey(h)), h);
  });
});

describe('sntrup761', () => {
  it('draws short polynomials with exactly 286 coefficients +-1', () => {
    for (let i = 0; i < 20; i++) {
      const r = randomShort();
      assert.equal(r.length, P);
      assert.equal(r.filter((c) => c !== 0).length, W);
      assert.ok(r.every((c) => c >= -1 && c <= 1));
    }
  });

  it('encapsulation and our decapsulation agree on the shared key', { timeout: 60_000 }, () => {
    for (let k = 0; k < 3; k++) {
      const key = sntrup761KeyPair();
      assert.equal(key.publicKey.length, PUBLIC_KEY_BYTES);
      for (let i = 0; i < 3; i++) {
        const { ciphertext, sharedKey } = sntrup761Encapsulate(key.publicKey);
        assert.equal(ciphertext.length, CIPHERTEXT_BYTES);
        assert.equal(sharedKey.length, SHARED_KEY_BYTES);
        assert.deepEqual(sntrup761Decapsulate(ciphertext, key), sharedKey);
      }
    }
  });

  it('a tampered ciphertext decapsulates to the implicit-rejection key, not the sender\'s', () => {
    const key = sntrup761KeyPair();
    const { ciphertext, sharedKey } = sntrup761Encapsulate(key.publicKey);
    for (const position of [0, 500, CIPHERTEXT_BYTES - 1]) {
      const bad = Buffer.from(ciphertext);
      bad[position]! ^= 0x04;
      const k = sntrup761Decapsulate(bad, key);
      assert.notDeepEqual(k, sharedKey);
      assert.deepEqual(k, sessionKey(0, key.rho, bad));
    }
  });

  it('refuses a public key of the wrong size', () => {
    assert.throws(() => sntrup761Encapsulate(Buffer.alloc(PUBLIC_KEY_BYTES - 1)), /1158 bytes/);
  });

  it('encapsulates in a few milliseconds', (t) => {
    const { publicKey } = sntrup761KeyPair();
    for (let i = 0; i < 20; i++) sntrup761Encapsulate(publicKey); // warm up the JIT
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const start = performance.now();
      sntrup761Encapsulate(publicKey);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[50]!;
    t.diagnostic(`sntrup761 encapsulation: median ${median.toFixed(2)} ms, p90 ${times[90]!.toFixed(2)} ms`);
    assert.ok(median < 5, `median ${median.toFixed(2)} ms`);
  });
});

describe('sntrup761x25519 (server side)', () => {
  it('answers a client key with ciphertext || X25519 key, and both sides derive the same 64-byte secret', () => {
    const client = sntrup761x25519Client();
    assert.equal(client.clientBlob.length, CLIENT_BLOB_BYTES);
    const { serverBlob, sharedSecret } = sntrup761x25519Respond(client.clientBlob);
    assert.equal(serverBlob.length, SERVER_BLOB_BYTES);
    assert.equal(sharedSecret.length, 64);
    assert.deepEqual(client.finish(serverBlob), sharedSecret);
  });

  it('refuses a client blob of the wrong size and an X25519 key that yields an all-zero secret', () => {
    assert.throws(() => sntrup761x25519Respond(Buffer.alloc(CLIENT_BLOB_BYTES + 1)), RangeError);
    const client = sntrup761x25519Client();
    const lowOrder = Buffer.concat([client.clientBlob.subarray(0, PUBLIC_KEY_BYTES), Buffer.alloc(32)]);
    assert.throws(() => sntrup761x25519Respond(lowOrder));
  });
});
