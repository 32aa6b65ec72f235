/**
 * sntrup761x25519-sha512 as an ssh2 key exchange (server side). ssh2's KeyExchange base class runs the protocol
 * (KEX_ECDH_INIT in, KEX_ECDH_REPLY out, exchange hash, signature, key derivation); a subclass supplies the
 * method-specific data through four methods, which this one fills with the hybrid KEM:
 * - convertPublicKey: the client's Q_C as sent (ssh2's default strips leading zeros, as for DH mpints);
 * - computeSecret: encapsulate and run X25519, keeping Q_S for the reply, and return the raw 64-byte secret,
 *   which ssh2 length-prefixes, i.e. hashes and derives keys from as an SSH string, as OpenSSH does;
 * - getPublicKey: Q_S;
 * - hashName: sha512.
 */
import { sntrup761x25519Respond } from './sntrup761x25519.js';
import type { Ssh2KeyExchange, Ssh2KeyExchangeClass, Ssh2KexFactory } from './ssh2-internals.js';

function sntrupExchangeClass(Base: Ssh2KeyExchangeClass): Ssh2KeyExchangeClass {
  return class Sntrup761X25519Exchange extends Base {
    private serverBlob: Buffer | undefined;

    constructor(...args: unknown[]) {
      super(...args);
      this.type = 'sntrup761x25519';
      this.hashName = 'sha512';
    }

    override start(): void {
      // A client would need key generation and decapsulation; only the honeypot's server side is implemented.
      if (!this._protocol._server) throw new Error('sntrup761x25519-sha512 is implemented for ssh2 servers only');
    }

    override generateKeys(): void {}

    override convertPublicKey(key: Buffer): Buffer {
      return key;
    }

    override computeSecret(clientBlob: Buffer): Buffer | Error {
      try {
        const { serverBlob, sharedSecret } = sntrup761x25519Respond(clientBlob);
        this.serverBlob = serverBlob;
        return sharedSecret;
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    }

    override getPublicKey(): Buffer | undefined {
      return this.serverBlob;
    }
  };
}

/** The factory to register in ssh2's KEX_EXTENSIONS: one subclass per base class, built on first use. */
export function sntrupKexFactory(): Ssh2KexFactory {
  let cached: { base: Ssh2KeyExchangeClass; cls: Ssh2KeyExchangeClass } | undefined;
  return (base, ...args): Ssh2KeyExchange => {
    if (cached?.base !== base) cached = { base, cls: sntrupExchangeClass(base) };
    return new cached.cls(...args);
  };
}
