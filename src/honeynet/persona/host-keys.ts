import { generateKeyPairSync } from 'node:crypto';
import type { Persona } from './persona.js';
import { toOpenSshPrivateKey } from './openssh-key-format.js';

export interface HostKeyOptions {
  /** RSA modulus size; 3072 is what `ssh-keygen -A` makes on Debian/Ubuntu. Tests may lower it for speed. */
  rsaBits?: number;
}

/**
 * Fresh ed25519, ecdsa (nistp256) and RSA host keys from the OS CSPRNG, in OpenSSH format with ssh-keygen's
 * `root@<hostname>` comment. Unlike the rest of the persona, keys never come from the seeded source: a key
 * reproducible from a 32-bit seed would be guessable. RSA 3072 takes about a second; done once per install.
 */
export function generateHostKeys(hostname: string, opts: HostKeyOptions = {}): Persona['hostKeys'] {
  const comment = `root@${hostname}`;
  return {
    ed25519: toOpenSshPrivateKey('ed25519', generateKeyPairSync('ed25519').privateKey, comment),
    ecdsa: toOpenSshPrivateKey('ecdsa', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, comment),
    rsa: toOpenSshPrivateKey('rsa', generateKeyPairSync('rsa', { modulusLength: opts.rsaBits ?? 3072, publicExponent: 0x10001 }).privateKey, comment),
  };
}
