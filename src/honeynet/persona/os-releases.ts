import type { Persona } from './persona.js';

/**
 * What one real server looks like at one moment of its patch history: the OS point release, the kernel it runs
 * and the openssh-server package installed. A persona takes all three from ONE row, so they never contradict
 * each other (an attacker who sees `uname -a`, `/etc/os-release` and the SSH banner sees one machine).
 *
 * Sources (checked for issue 4):
 * - Debian openssh versions and dates: the package changelog of 1:9.2p1-2+deb12u10 installed on the reference
 *   machine (`/usr/share/doc/openssh-server/changelog.Debian.gz`); deb12u4 (2024-12-08) added the
 *   `sntrup761x25519-sha512` KEX name without `@openssh.com`, so older rows have a different KEXINIT.
 * - Debian kernel `uname -r` / `uname -v` strings: published `uname -a` outputs of real bookworm machines; the
 *   newest row (6.1.0-50, 6.1.176-1, Debian 12.15 released 2026-07-11 with deb12u10) matches the bookworm
 *   archive index on the reference machine.
 * - Ubuntu rows: published `uname -a` outputs and SSH banners. The openssh revision paired with each kernel is
 *   the one in use around the kernel's build date; those pairings are less certain than the Debian ones.
 * - `/etc/debian_version` on Ubuntu names the Debian development release it branched from.
 */
export interface OsRelease {
  os: Persona['os'];
  kernel: Omit<Persona['kernel'], 'arch'>;
  /** OpenSSH identification string without `SSH-2.0-` and CRLF, e.g. `OpenSSH_9.2p1 Debian-2+deb12u10`. */
  sshSoftware: string;
  /** Earliest moment (epoch ms) a machine could look like this: the newest of kernel, point release and ssh. */
  availableFrom: number;
}

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

function debian(pointRelease: string, abi: number, pkg: string, built: string, debRevision: number, availableFrom: string): OsRelease {
  return {
    os: {
      id: 'debian',
      name: 'Debian GNU/Linux',
      version: '12 (bookworm)',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      debianVersion: pointRelease,
    },
    kernel: { release: `6.1.0-${abi}-amd64`, version: `#1 SMP PREEMPT_DYNAMIC Debian ${pkg} (${built})` },
    sshSoftware: `OpenSSH_9.2p1 Debian-2+deb12u${debRevision}`,
    availableFrom: day(availableFrom),
  };
}

interface UbuntuSeries {
  versionId: '22.04' | '24.04';
  codename: string;
  nickname: string;
  debianVersion: string;
  openssh: string;
}

const JAMMY: UbuntuSeries = { versionId: '22.04', codename: 'jammy', nickname: 'Jammy Jellyfish', debianVersion: 'bookworm/sid', openssh: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0' };
const NOBLE: UbuntuSeries = { versionId: '24.04', codename: 'noble', nickname: 'Noble Numbat', debianVersion: 'trixie/sid', openssh: 'OpenSSH_9.6p1 Ubuntu-3ubuntu13' };

function ubuntu(series: UbuntuSeries, point: number, kernelRelease: string, kernelVersion: string, sshRevision: number, availableFrom: string): OsRelease {
  const full = `${series.versionId}.${point}`;
  return {
    os: {
      id: 'ubuntu',
      name: 'Ubuntu',
      version: `${full} LTS (${series.nickname})`,
      versionId: series.versionId,
      codename: series.codename,
      prettyName: `Ubuntu ${full} LTS`,
      debianVersion: series.debianVersion,
    },
    kernel: { release: kernelRelease, version: kernelVersion },
    sshSoftware: `${series.openssh}.${sshRevision}`,
    availableFrom: day(availableFrom),
  };
}

/** Oldest first. */
export const OS_RELEASES: readonly OsRelease[] = [
  debian('12.8', 27, '6.1.115-1', '2024-11-01', 3, '2024-11-09'),
  debian('12.9', 30, '6.1.124-1', '2025-01-12', 4, '2025-01-12'),
  debian('12.10', 32, '6.1.129-1', '2025-03-06', 5, '2025-03-15'),
  debian('12.11', 37, '6.1.140-1', '2025-05-22', 6, '2025-05-22'),
  debian('12.11', 38, '6.1.147-1', '2025-08-02', 7, '2025-08-02'),
  debian('12.12', 42, '6.1.159-1', '2025-12-30', 7, '2025-12-30'),
  debian('12.13', 44, '6.1.164-1', '2026-03-09', 7, '2026-03-09'),
  debian('12.15', 50, '6.1.176-1', '2026-07-02', 10, '2026-07-11'),
  ubuntu(NOBLE, 3, '6.8.0-79-generic', '#79-Ubuntu SMP PREEMPT_DYNAMIC Tue Aug 12 14:42:46 UTC 2025', 14, '2025-08-12'),
  ubuntu(JAMMY, 5, '5.15.0-164-generic', '#174-Ubuntu SMP Fri Nov 14 20:25:16 UTC 2025', 13, '2025-11-14'),
  ubuntu(NOBLE, 4, '6.8.0-101-generic', '#101-Ubuntu SMP PREEMPT_DYNAMIC Mon Feb  9 10:15:05 UTC 2026', 15, '2026-02-09'),
  ubuntu(NOBLE, 4, '6.8.0-134-generic', '#134-Ubuntu SMP PREEMPT_DYNAMIC Fri Jun 26 18:43:11 UTC 2026', 16, '2026-06-26'),
];

/**
 * A release a machine booted at `bootTime` could run: mostly the newest one available before the boot (admins
 * reboot into the kernel they just installed), sometimes one or two behind.
 */
export function pickOsRelease(pick: (weights: ReadonlyArray<readonly [OsRelease, number]>) => OsRelease, bootTime: number, family?: 'debian' | 'ubuntu', versionId?: string): OsRelease {
  const matching = OS_RELEASES.filter((r) => (family === undefined || r.os.id === family) && (versionId === undefined || r.os.versionId === versionId));
  if (matching.length === 0) throw new Error(`no OS release for ${family ?? 'any family'} ${versionId ?? ''}`.trim());
  const available = matching.filter((r) => r.availableFrom <= bootTime);
  // A clock set before every known release (a test, a broken RTC): the oldest row is the least wrong answer.
  if (available.length === 0) return matching[0] as OsRelease;
  const newestFirst = [...available].reverse();
  const weights = [6, 3, 1];
  return pick(newestFirst.slice(0, weights.length).map((r, i) => [r, weights[i] as number] as const));
}
