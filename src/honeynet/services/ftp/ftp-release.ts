import type { Persona } from '../../persona/persona.js';

/** The vsftpd version each persona's distribution ships (Debian 12 and Ubuntu 22.04: 3.0.3; Ubuntu 24.04: 3.0.5). */
const RELEASES: Array<{ os: Persona['os']['id']; versionId: string; vsftpd: string }> = [
  { os: 'debian', versionId: '12', vsftpd: '3.0.3' },
  { os: 'debian', versionId: '11', vsftpd: '3.0.3' },
  { os: 'ubuntu', versionId: '22.04', vsftpd: '3.0.3' },
  { os: 'ubuntu', versionId: '24.04', vsftpd: '3.0.5' },
];

export function vsftpdVersion(p: Persona): string {
  return RELEASES.find((r) => r.os === p.os.id && p.os.versionId.startsWith(r.versionId))?.vsftpd ?? '3.0.3';
}
