/**
 * The server side of OpenSSH's hybrid key exchange sntrup761x25519-sha512 (also named
 * sntrup761x25519-sha512@openssh.com), as OpenSSH's kexsntrup761x25519.c defines it:
 * - the client sends Q_C = sntrup761 public key (1158 bytes) || X25519 public key (32 bytes);
 * - the server encapsulates to the first and runs X25519 with the second, and replies
 *   Q_S = sntrup761 ciphertext (1039 bytes) || its X25519 public key (32 bytes);
 * - the shared secret is SHA-512(KEM key || raw X25519 secret), used as an SSH *string* (not an mpint) in the
 *   exchange hash and the key derivation; the exchange hash is SHA-512 too.
 */
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CIPHERTEXT_BYTES, PUBLIC_KEY_BYTES, sntrup761Encapsulate } from './sntrup761.js';

const X25519_BYTES = 32;
export const CLIENT_BLOB_BYTES = PUBLIC_KEY_BYTES + X25519_BYTES;
export const SERVER_BLOB_BYTES = CIPHERTEXT_BYTES + X25519_BYTES;

/** DER SubjectPublicKeyInfo header of an X25519 key (RFC 8410); the raw 32 bytes follow it. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function x25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function x25519RawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length);
}

/** SHA-512(KEM key || X25519 secret): the 64 bytes that go into the exchange hash as a string. */
export function hybridSecret(kemKey: Uint8Array, x25519Secret: Uint8Array): Buffer {
  return createHash('sha512').update(kemKey).update(x25519Secret).digest();
}

/** Answer a client's Q_C. Throws on a malformed blob or an X25519 key that gives an all-zero secret. */
export function sntrup761x25519Respond(clientBlob: Uint8Array): { serverBlob: Buffer; sharedSecret: Buffer } {
  if (clientBlob.length !== CLIENT_BLOB_BYTES) throw new RangeError(`sntrup761x25519: client key is ${clientBlob.length} bytes, expected ${CLIENT_BLOB_BYTES}`);
  const { ciphertext, sharedKey } = sntrup761Encapsulate(clientBlob.subarray(0, PUBLIC_KEY_BYTES));
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const x25519Secret = diffieHellman({ privateKey, publicKey: x25519PublicKeyFromRaw(clientBlob.subarray(PUBLIC_KEY_BYTES)) });
  return { serverBlob: Buffer.concat([ciphertext, x25519RawPublicKey(publicKey)]), sharedSecret: hybridSecret(sharedKey, x25519Secret) };
}
