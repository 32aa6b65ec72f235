import type { Persona } from '../../../persona/persona.js';

/** `/usr/lib/os-release` (what `/etc/os-release` links to), in the format each distribution ships. */
export function osReleaseText(persona: Persona): string {
  const os = persona.os;
  if (os.id === 'ubuntu') {
    return [
      `PRETTY_NAME="${os.prettyName}"`,
      `NAME="${os.name}"`,
      `VERSION_ID="${os.versionId}"`,
      `VERSION="${os.version}"`,
      `VERSION_CODENAME=${os.codename}`,
      'ID=ubuntu',
      'ID_LIKE=debian',
      'HOME_URL="https://www.ubuntu.com/"',
      'SUPPORT_URL="https://help.ubuntu.com/"',
      'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"',
      'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"',
      `UBUNTU_CODENAME=${os.codename}`,
      'LOGO=ubuntu-logo',
      '',
    ].join('\n');
  }
  return [
    `PRETTY_NAME="${os.prettyName}"`,
    `NAME="${os.name}"`,
    `VERSION_ID="${os.versionId}"`,
    `VERSION="${os.version}"`,
    `VERSION_CODENAME=${os.codename}`,
    'ID=debian',
    'HOME_URL="https://www.debian.org/"',
    'SUPPORT_URL="https://www.debian.org/support"',
    'BUG_REPORT_URL="https://bugs.debian.org/"',
    '',
  ].join('\n');
}

/** `/etc/lsb-release` (Ubuntu only; Debian does not ship the file). */
export function lsbReleaseText(persona: Persona): string {
  const os = persona.os;
  return `DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=${os.versionId}\nDISTRIB_CODENAME=${os.codename}\nDISTRIB_DESCRIPTION="${os.prettyName}"\n`;
}

/** The release line of `/etc/issue`: `Debian GNU/Linux 12`, `Ubuntu 24.04.1 LTS`. */
export function issueName(persona: Persona): string {
  return persona.os.id === 'ubuntu' ? persona.os.prettyName : `${persona.os.name} ${persona.os.versionId}`;
}
