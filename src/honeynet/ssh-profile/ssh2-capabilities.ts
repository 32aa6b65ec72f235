import type { CipherAlgorithm, CompressionAlgorithm, KexAlgorithm, MacAlgorithm, ServerHostKeyAlgorithm } from 'ssh2';
import { installSsh2Extensions, SSH2_EXTENSION_ALGORITHMS } from '../ssh-crypto/ssh2-extensions.js';

export interface Ssh2Supported {
  kex: readonly KexAlgorithm[];
  serverHostKey: readonly ServerHostKeyAlgorithm[];
  cipher: readonly CipherAlgorithm[];
  mac: readonly MacAlgorithm[];
  compression: readonly CompressionAlgorithm[];
}

/**
 * What the ssh2 npm package (1.17) as published can negotiate as a server, by KEXINIT list. Kept as our own
 * table, not read from ssh2's internals (lib/protocol/constants.js is not a public API); a test checks it
 * against ssh2 by configuring a server with every entry, which throws "Unsupported algorithm" on any it cannot
 * run.
 */
export const SSH2_SUPPORTED: Ssh2Supported = {
  kex: [
    'curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521',
    'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group14-sha256', 'diffie-hellman-group15-sha512',
    'diffie-hellman-group16-sha512', 'diffie-hellman-group17-sha512', 'diffie-hellman-group18-sha512',
    'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1',
  ],
  serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  cipher: [
    'chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr',
    'aes128-cbc', 'aes192-cbc', 'aes256-cbc', '3des-cbc',
  ],
  mac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha1-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-sha1'],
  compression: ['none', 'zlib@openssh.com', 'zlib'],
};

/** KEX names that are signals, not methods: ssh2 adds `kex-strict-s-v00@openssh.com` itself (always, last). */
export const KEX_MARKERS = ['kex-strict-s-v00@openssh.com', 'ext-info-s'] as const;

/**
 * What lnmt's ssh2 extension (src/honeynet/ssh-crypto, hooked in by scripts/patch-ssh2.mjs) adds. @types/ssh2
 * does not know these names, hence the casts; ssh2 accepts them once the extension registered them.
 */
export const SSH2_EXTENDED: { kex: readonly KexAlgorithm[]; mac: readonly MacAlgorithm[] } = {
  kex: [...SSH2_EXTENSION_ALGORITHMS.kex] as string[] as KexAlgorithm[],
  mac: [...SSH2_EXTENSION_ALGORITHMS.mac] as string[] as MacAlgorithm[],
};

export interface Ssh2Capabilities {
  supported: Ssh2Supported;
  /** Whether an explicit `serverHostKey` list is offered as is (unpatched ssh2 adds ssh-rsa for any RSA key). */
  exactHostKeyList: boolean;
  /** Why the extension is not installed, when it is not. */
  extensionMissing?: string;
}

/** What the SSH service can run in this process: ssh2 plus the extension, installed here if it can be. */
export function ssh2Capabilities(): Ssh2Capabilities {
  const extension = installSsh2Extensions();
  if (!extension.installed) return { supported: SSH2_SUPPORTED, exactHostKeyList: false, extensionMissing: extension.reason };
  return {
    supported: { ...SSH2_SUPPORTED, kex: [...SSH2_SUPPORTED.kex, ...SSH2_EXTENDED.kex], mac: [...SSH2_SUPPORTED.mac, ...SSH2_EXTENDED.mac] },
    exactHostKeyList: true,
  };
}

/** Why ssh2 (with the extension) cannot offer an algorithm real OpenSSH servers offer, and what it would take. */
export const SSH2_GAPS: Readonly<Record<string, string>> = {
  'mlkem768x25519-sha256': 'ML-KEM-768 + X25519 hybrid KEX (OpenSSH 9.9+ default) is not implemented; ML-KEM-768 is in @noble/post-quantum',
  'ext-info-s': 'ssh2 servers never advertise ext-info-s (RFC 8308 server side, sent by OpenSSH 9.6+)',
};
