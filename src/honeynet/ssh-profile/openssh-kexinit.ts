/**
 * What a real sshd offers in its SSH_MSG_KEXINIT, in order, with the distribution's default configuration
 * (no KexAlgorithms/Ciphers/MACs lines; host keys in sshd's default HostKey order: rsa, ecdsa, ed25519).
 * Clients and scanners (nmap ssh2-enum-algos, ssh-audit, Metasploit's ssh_honeypot check) compare these lists
 * with the version in the banner, so every list is tied to the package revisions that offer it.
 *
 * Debian 12 (deb12u4 and later) was measured on the reference machine: `sshd -D -f /dev/null` and the stock
 * /etc/ssh/sshd_config of 1:9.2p1-2+deb12u10, read with `nmap -sV --script ssh2-enum-algos`
 * (test/honeynet/ssh-profile/fixtures/debian12-deb12u10.nmap.txt). The other rows are derived from that
 * measurement and the sources: deb12u2 added strict KEX (Terrapin), deb12u4 added the un-suffixed
 * `sntrup761x25519-sha512` name (package changelog); OpenSSH 9.6's myproposal.h and kex.c (it appends
 * `ext-info-s,kex-strict-s-v00@openssh.com`); OpenSSH 8.9's list has sntrup761 after the ECDH methods.
 */
export interface KexInitLists {
  kex: readonly string[];
  serverHostKey: readonly string[];
  cipher: readonly string[];
  mac: readonly string[];
  compression: readonly string[];
}

export interface OpenSshRelease {
  /** Stable id, e.g. `debian12-deb12u4+`. */
  id: string;
  /** The identification strings (after `SSH-2.0-`) this row covers. */
  software: RegExp;
  lists: KexInitLists;
}

/** Default host key order (HostKey files rsa, ecdsa, ed25519); ssh-rsa (SHA-1) is off since OpenSSH 8.8. */
const HOST_KEYS = ['rsa-sha2-512', 'rsa-sha2-256', 'ecdsa-sha2-nistp256', 'ssh-ed25519'];
const CIPHERS = ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com'];
const MACS = [
  'umac-64-etm@openssh.com', 'umac-128-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com',
  'hmac-sha1-etm@openssh.com', 'umac-64@openssh.com', 'umac-128@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-sha1',
];
const COMPRESSION = ['none', 'zlib@openssh.com'];
const CLASSIC_KEX = [
  'curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512', 'diffie-hellman-group14-sha256',
];
const STRICT_KEX = 'kex-strict-s-v00@openssh.com';
const SNTRUP = 'sntrup761x25519-sha512@openssh.com';

const lists = (kex: string[]): KexInitLists => ({ kex, serverHostKey: HOST_KEYS, cipher: CIPHERS, mac: MACS, compression: COMPRESSION });

/** Rows for every identification string a persona can claim (os-releases.ts). */
export const OPENSSH_RELEASES: readonly OpenSshRelease[] = [
  {
    id: 'debian12-deb12u4+',
    software: /^OpenSSH_9\.2p1 Debian-2\+deb12u([4-9]|[1-9]\d)$/,
    lists: lists(['sntrup761x25519-sha512', SNTRUP, ...CLASSIC_KEX, STRICT_KEX]),
  },
  {
    id: 'debian12-deb12u2..3',
    software: /^OpenSSH_9\.2p1 Debian-2\+deb12u[23]$/,
    lists: lists([SNTRUP, ...CLASSIC_KEX, STRICT_KEX]),
  },
  {
    id: 'ubuntu24.04',
    software: /^OpenSSH_9\.6p1 Ubuntu-3ubuntu13(\.\d+)?$/,
    lists: lists([SNTRUP, ...CLASSIC_KEX, 'ext-info-s', STRICT_KEX]),
  },
  {
    // Terrapin fix in jammy from 1:8.9p1-3ubuntu0.6 (rows before it are never generated).
    id: 'ubuntu22.04',
    software: /^OpenSSH_8\.9p1 Ubuntu-3ubuntu0\.([6-9]|[1-9]\d)$/,
    lists: lists([...CLASSIC_KEX.slice(0, 5), SNTRUP, ...CLASSIC_KEX.slice(5), STRICT_KEX]),
  },
  {
    // Not a persona row: the newest release whose KEX list has no post-quantum hybrid (see ssh-profile.ts).
    id: 'debian11-deb11u3+',
    software: /^OpenSSH_8\.4p1 Debian-5\+deb11u([3-9]|[1-9]\d)$/,
    lists: {
      kex: [...CLASSIC_KEX, STRICT_KEX],
      serverHostKey: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed25519'],
      cipher: CIPHERS,
      mac: MACS,
      compression: COMPRESSION,
    },
  },
];

/** The row for an identification string with or without the `SSH-2.0-` prefix, or undefined. */
export function openSshReleaseFor(identification: string): OpenSshRelease | undefined {
  const software = identification.replace(/^SSH-2\.0-/, '');
  return OPENSSH_RELEASES.find((r) => r.software.test(software));
}
