import type { Persona } from '../../persona/persona.js';

/** Postfix as each persona's distribution ships it (the version only shows in `postconf mail_version`; the banner names the distribution). */
const RELEASES: Array<{ os: Persona['os']['id']; versionId: string; postfix: string }> = [
  { os: 'debian', versionId: '12', postfix: '3.7.11' },
  { os: 'debian', versionId: '11', postfix: '3.5.25' },
  { os: 'ubuntu', versionId: '22.04', postfix: '3.6.4' },
  { os: 'ubuntu', versionId: '24.04', postfix: '3.8.6' },
];

export function postfixVersion(p: Persona): string {
  return RELEASES.find((r) => r.os === p.os.id && p.os.versionId.startsWith(r.versionId))?.postfix ?? '3.7.11';
}

/** `myhostname`: the FQDN, `.localdomain` when the machine has no domain. */
export function smtpHostname(p: Persona): string {
  return `${p.hostname}.${p.domain || 'localdomain'}`;
}

/** Debian's `smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)`; Ubuntu's says `(Ubuntu)`. */
export function smtpBanner(p: Persona): string {
  return `220 ${smtpHostname(p)} ESMTP Postfix (${p.os.id === 'ubuntu' ? 'Ubuntu' : 'Debian/GNU'})`;
}
