import type { CipherAlgorithm, CompressionAlgorithm, KexAlgorithm, MacAlgorithm, ServerHostKeyAlgorithm } from 'ssh2';
import type { Persona } from '../persona/persona.js';
import { openSshReleaseFor, type KexInitLists } from './openssh-kexinit.js';
import { KEX_MARKERS, SSH2_EXTENDED, SSH2_GAPS, ssh2Capabilities, type Ssh2Capabilities } from './ssh2-capabilities.js';

/** The `algorithms` option of ssh2's `Server` (names as ssh2 spells its keys). */
export interface Ssh2Algorithms {
  kex: KexAlgorithm[];
  serverHostKey: ServerHostKeyAlgorithm[];
  cipher: CipherAlgorithm[];
  hmac: MacAlgorithm[];
  compress: CompressionAlgorithm[];
}

/** One advertised algorithm the SSH service cannot honour (ssh2 1.17 plus lnmt's extension, when installed). */
export interface ProfileGap {
  list: keyof KexInitLists;
  algorithm: string;
  reason: string;
}

export interface SshProfile {
  /** Row id in openssh-kexinit.ts. */
  releaseId: string;
  /** The identification line to send, without CRLF (ssh2's `ident` option takes it without `SSH-2.0-`). */
  identification: string;
  /** What the real sshd of this release advertises, in order: the target. */
  advertised: KexInitLists;
  /**
   * What to configure ssh2 with: the advertised lists minus every gap, in the same order. Pass host keys to
   * ssh2 in {@link hostKeyOrder} so its host-key list follows the real order.
   */
  ssh2: Ssh2Algorithms;
  /** Persona host-key slots in the order ssh2 must receive them. */
  hostKeyOrder: Array<keyof Persona['hostKeys']>;
  /** Advertised algorithms ssh2 cannot run: omitted from `ssh2`, so the KEXINIT differs from the real one. */
  gaps: ProfileGap[];
  /** Differences ssh2 adds on its own, whatever it is configured with. */
  ssh2Quirks: string[];
}

const SLOT_BY_ALGORITHM: Record<string, keyof Persona['hostKeys']> = {
  'ssh-ed25519': 'ed25519',
  'ecdsa-sha2-nistp256': 'ecdsa',
  'rsa-sha2-512': 'rsa',
  'rsa-sha2-256': 'rsa',
  'ssh-rsa': 'rsa',
};

/**
 * The SSH algorithm profile for a persona (or a bare identification string): the real release's KEXINIT lists,
 * the subset the SSH service can run, and an honest account of the difference.
 *
 * ssh2 1.17 as published cannot run any OpenSSH release's default lists: every release since 4.7 offers
 * umac-64@openssh.com (and since 6.2 umac-128, both also as -etm), OpenSSH 8.5+ offers sntrup761x25519-sha512,
 * and ssh2 adds ssh-rsa to any RSA host key. lnmt's ssh2 extension (src/honeynet/ssh-crypto, with the hooks
 * scripts/patch-ssh2.mjs adds at install time) supplies UMAC (RFC 4418), sntrup761x25519 and an exact host-key
 * list, so Debian 12 (`OpenSSH_9.2p1 Debian-2+deb12uN`, the reference sshd), Ubuntu 22.04 and Debian 11 have
 * no gaps: the KEXINIT carries exactly the lists the real sshd sends, in its order. Still missing: ext-info-s
 * (Ubuntu 24.04's 9.6p1 sends it) and ML-KEM (OpenSSH 9.9+, no persona claims it). If the extension is not
 * installed, its algorithms become gaps again (with the reason) and the service runs the rest.
 */
export function sshProfileFor(persona: Pick<Persona, 'ssh'> | string, capabilities: Ssh2Capabilities = ssh2Capabilities()): SshProfile {
  const identification = typeof persona === 'string' ? persona : persona.ssh.versionString;
  const release = openSshReleaseFor(identification);
  if (!release) throw new Error(`no SSH algorithm profile for ${JSON.stringify(identification)}`);
  const { lists } = release;
  const { supported } = capabilities;
  const extended = new Set<string>([...SSH2_EXTENDED.kex, ...SSH2_EXTENDED.mac]);
  const gaps: ProfileGap[] = [];
  const reasonFor = (algorithm: string) =>
    SSH2_GAPS[algorithm] ??
    (extended.has(algorithm) && capabilities.extensionMissing ? `lnmt's ssh2 extension is not installed: ${capabilities.extensionMissing}` : 'not supported by ssh2 1.17');
  const runnable = <T extends string>(list: keyof KexInitLists, names: readonly T[]): T[] =>
    lists[list].filter((algorithm): algorithm is T => {
      if ((names as readonly string[]).includes(algorithm)) return true;
      if (list === 'kex' && algorithm === 'kex-strict-s-v00@openssh.com') return false; // ssh2 appends it itself
      gaps.push({ list, algorithm, reason: reasonFor(algorithm) });
      return false;
    });
  const ssh2: Ssh2Algorithms = {
    kex: runnable('kex', supported.kex),
    serverHostKey: runnable('serverHostKey', supported.serverHostKey),
    cipher: runnable('cipher', supported.cipher),
    hmac: runnable('mac', supported.mac),
    compress: runnable('compression', supported.compression),
  };
  const hostKeyOrder = [...new Set(lists.serverHostKey.map((a) => SLOT_BY_ALGORITHM[a]).filter((s) => s !== undefined))];
  const ssh2Quirks: string[] = [];
  if (!capabilities.exactHostKeyList && !lists.serverHostKey.includes('ssh-rsa')) {
    ssh2Quirks.push('unpatched ssh2 advertises ssh-rsa after rsa-sha2-256 for any RSA host key (OpenSSH 8.8+ does not); run scripts/patch-ssh2.mjs');
  }
  if (!lists.kex.includes(KEX_MARKERS[0])) ssh2Quirks.push('ssh2 1.17 always appends kex-strict-s-v00@openssh.com');
  return { releaseId: release.id, identification, advertised: lists, ssh2, hostKeyOrder, gaps, ssh2Quirks };
}
