/**
 * UMAC in the shape ssh2's cipher classes drive a MAC: createMac(name, key), then update(uint32 sequence
 * number), update(packet bytes)..., digest(). An SSH MAC is computed over seqno || packet; OpenSSH's UMAC
 * instead takes the sequence number as its nonce (8 bytes, big-endian) and the packet alone as the message,
 * so the first four bytes fed in become the nonce here. For -etm@openssh.com the "packet bytes" are the
 * cleartext length and the ciphertext, exactly as ssh2 feeds them for the HMAC -etm variants.
 */
import { Umac } from './umac.js';
import type { Ssh2Mac, Ssh2MacFactory } from './ssh2-internals.js';

class SshUmac implements Ssh2Mac {
  private readonly nonce = Buffer.alloc(8);
  private nonceBytes = 0;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly umac: Umac) {}

  update(data: Uint8Array): this {
    let rest = data;
    if (this.nonceBytes < 4) {
      const n = Math.min(4 - this.nonceBytes, rest.length);
      this.nonce.set(rest.subarray(0, n), 4 + this.nonceBytes);
      this.nonceBytes += n;
      rest = rest.subarray(n);
    }
    // Copied: the decipher feeds views of socket chunks across several reads before asking for the digest.
    if (rest.length > 0) this.chunks.push(Buffer.from(rest));
    return this;
  }

  digest(): Buffer {
    return this.umac.tag(Buffer.concat(this.chunks), this.nonce);
  }
}

/**
 * A factory for ssh2's MAC_EXTENSIONS. ssh2 calls it once per packet with the same key Buffer for the life of
 * a cipher, so the UMAC key schedule (about 70 AES blocks) is kept per key object.
 */
export function sshUmacFactory(tagLength: 8 | 16): Ssh2MacFactory {
  const schedules = new WeakMap<Buffer, Umac>();
  return (key) => {
    let umac = schedules.get(key);
    if (!umac) {
      umac = new Umac(key, tagLength);
      schedules.set(key, umac);
    }
    return new SshUmac(umac);
  };
}
