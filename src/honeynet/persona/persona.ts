/**
 * A sensor's persona: the machine a honeypot pretends to be. Generated once per install (randomised within what
 * real servers look like) and persisted in the data directory, so it stays the same across restarts and is
 * different on every install: no hostname, user list, machine id or key is shared by two sensors.
 */
export interface PersonaUser {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
  /** Groups besides the primary one (e.g. sudo, adm). */
  groups: string[];
}

export interface Persona {
  /** Persona format version, for later migrations of the persisted file. */
  version: 1;
  id: string;
  createdAt: string;
  hostname: string;
  /** Empty when the machine has no DNS domain. */
  domain: string;
  os: {
    id: 'debian' | 'ubuntu';
    name: string;
    /** e.g. `12 (bookworm)`, `24.04.1 LTS (Noble Numbat)`. */
    version: string;
    versionId: string;
    codename: string;
    prettyName: string;
    /**
     * `/etc/debian_version`: the point release on Debian (`12.11`; os-release only says `12`), the Debian
     * release it branched from on Ubuntu (`trixie/sid` on 24.04, `bookworm/sid` on 22.04).
     */
    debianVersion: string;
  };
  kernel: {
    /** `uname -r`, e.g. `6.1.0-26-amd64`. */
    release: string;
    /** `uname -v`, e.g. `#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)`. */
    version: string;
    arch: 'x86_64';
  };
  ssh: {
    /** The identification string without CRLF, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3`. */
    versionString: string;
  };
  hardware: {
    cpuModel: string;
    cores: number;
    memoryKb: number;
    diskGb: number;
  };
  network: {
    iface: string;
    ip: string;
    prefix: number;
    gateway: string;
    mac: string;
  };
  /** Regular users (root is implied: uid 0); the first is the admin with sudo. */
  users: PersonaUser[];
  /** `/etc/machine-id`: 32 lowercase hex digits. */
  machineId: string;
  /** When the persona's machine "booted" (epoch ms): `uptime`, `/proc/uptime`, `w` count from it. */
  bootTime: number;
  /** PEM private keys (OpenSSH or PKCS#8 format as ssh2 accepts them). */
  hostKeys: { ed25519: string; ecdsa: string; rsa: string };
  /** TLS certificates of the machine (persona-tls.ts); added on load to persona files written before they existed. */
  tls?: PersonaTls;
}

export interface PemCertificate {
  /** PKCS#8 private key, PEM. */
  key: string;
  cert: string;
}

export interface PersonaTls {
  /** Debian's ssl-cert snakeoil (CN = FQDN, 10 years): HTTPS and xrdp. */
  snakeoil: PemCertificate;
  /** Windows' Remote Desktop certificate (CN = the Windows computer name, 6 months). */
  rdp: PemCertificate;
}
