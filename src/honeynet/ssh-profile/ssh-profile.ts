import type { CipherAlgorithm, CompressionAlgorithm, KexAlgorithm, MacAlgorithm, ServerHostKeyAlgorithm } from 'ssh2';
import type { Persona } from '../persona/persona.js';
import { openSshReleaseFor, type KexInitLists } from './openssh-kexinit.js';
import { KEX_MARKERS, SSH2_GAPS, SSH2_SUPPORTED } from './ssh2-capabilities.js';

/** The `algorithms` option of ssh2's `Server` (names as ssh2 spells its keys). */
export interface Ssh2Algorithms {
  kex: KexAlgorithm[];
  serverHostKey: ServerHostKeyAlgorithm[];
  cipher: CipherAlgorithm[];
  hmac: MacAlgorithm[];
  compress: CompressionAlgorithm[];
}

/** One advertised algorithm the SSH service cannot honour with ssh2 1.17 as is. */
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
   * What to configure ssh2 with today: the advertised lists minus every gap, in the same order. Pass host keys
   * to ssh2 in {@link hostKeyOrder} so its host-key list follows the real order.
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
 * the subset ssh2 1.17 can run, and an honest account of the difference.
 *
 * Which release to claim. No OpenSSH release's DEFAULT lists are fully runnable on ssh2 1.17: every release
 * since 4.7 offers umac-64@openssh.com (and since 6.2 umac-128, both also as -etm), which ssh2 lacks. Besides
 * UMAC:
 * - Debian 12 (`OpenSSH_9.2p1 Debian-2+deb12uN`, the reference sshd here) also needs sntrup761x25519 (offered
 *   first; OpenSSH 9.x clients pick it) — two algorithms to implement.
 * - The newest release with no post-quantum KEX is OpenSSH 8.4 (Debian 11, `OpenSSH_8.4p1 Debian-5+deb11uN`):
 *   its KEX, host-key (ssh-rsa included, which ssh2 always adds) and cipher lists are all runnable, so it
 *   needs only UMAC — but it is an end-of-life release, which is itself unusual on an internet-facing server.
 * Ubuntu 22.04's 8.9p1 offers sntrup761 too (after ECDH; 9.x clients still pick it), Ubuntu 24.04's 9.6p1 adds
 * ext-info-s, which ssh2 cannot send.
 *
 * Recommendation: claim Debian 12 (deb12u10, byte-identical to the reference) and implement UMAC (RFC 4418) and
 * sntrup761x25519-sha512 in the transport, because UMAC is needed in every option and the acceptance
 * test compares with Debian's sshd. Until then the SSH service runs `ssh2` (the runnable subset) and the docs
 * must say the KEXINIT omits `gaps`.
 */
export function sshProfileFor(persona: Pick<Persona, 'ssh'> | string): SshProfile {
  const identification = typeof persona === 'string' ? persona : persona.ssh.versionString;
  const release = openSshReleaseFor(identification);
  if (!release) throw new Error(`no SSH algorithm profile for ${JSON.stringify(identification)}`);
  const { lists } = release;
  const gaps: ProfileGap[] = [];
  const runnable = <T extends string>(list: keyof KexInitLists, supported: readonly T[]): T[] =>
    lists[list].filter((algorithm): algorithm is T => {
      if ((supported as readonly string[]).includes(algorithm)) return true;
      if (list === 'kex' && algorithm === 'kex-strict-s-v00@openssh.com') return false; // ssh2 appends it itself
      gaps.push({ list, algorithm, reason: SSH2_GAPS[algorithm] ?? 'not supported by ssh2 1.17' });
      return false;
    });
  const ssh2: Ssh2Algorithms = {
    kex: runnable('kex', SSH2_SUPPORTED.kex),
    serverHostKey: runnable('serverHostKey', SSH2_SUPPORTED.serverHostKey),
    cipher: runnable('cipher', SSH2_SUPPORTED.cipher),
    hmac: runnable('mac', SSH2_SUPPORTED.mac),
    compress: runnable('compression', SSH2_SUPPORTED.compression),
  };
  const hostKeyOrder = [...new Set(lists.serverHostKey.map((a) => SLOT_BY_ALGORITHM[a]).filter((s) => s !== undefined))];
  const ssh2Quirks: string[] = [];
  if (!lists.serverHostKey.includes('ssh-rsa')) {
    ssh2Quirks.push('ssh2 1.17 advertises ssh-rsa after rsa-sha2-256 for any RSA host key (OpenSSH 8.8+ does not); drop the RSA key or patch ssh2 to match exactly');
  }
  if (!lists.kex.includes(KEX_MARKERS[0])) ssh2Quirks.push('ssh2 1.17 always appends kex-strict-s-v00@openssh.com');
  return { releaseId: release.id, identification, advertised: lists, ssh2, hostKeyOrder, gaps, ssh2Quirks };
}
