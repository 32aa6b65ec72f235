/**
 * Who the server says it is in an NTLM CHALLENGE, from the persona: Samba as a standalone server (the Debian and
 * Ubuntu default `server role = standalone server`) names its NetBIOS name (the hostname, upper-cased, at most 15
 * characters) and the host's DNS name; a Windows Server in a workgroup names its computer name, which setup
 * generates as `WIN-` and 11 random characters (the persona derives it per install; its Remote Desktop
 * certificate carries the same name).
 */
import type { Persona } from '../../persona/persona.js';
import { windowsComputerName } from '../../persona/windows-name.js';
import type { NtlmIdentity, NtlmVersion } from './ntlm-messages.js';

export type NtlmFlavor = 'samba' | 'windows';
export type WindowsServerRelease = '2019' | '2022';

/** OS version structures: Windows Server 2019 is 10.0.17763, 2022 is 10.0.20348; Samba sends "6.1.0" ("what Windows returns", its source says). */
export const WINDOWS_VERSION: Record<WindowsServerRelease, NtlmVersion> = {
  '2019': { major: 10, minor: 0, build: 17763 },
  '2022': { major: 10, minor: 0, build: 20348 },
};
export const SAMBA_NTLM_VERSION: NtlmVersion = { major: 6, minor: 1, build: 0 };

/** The persona's NetBIOS name: the first label of the hostname, upper-cased, at most 15 characters. */
export function netbiosName(persona: Persona): string {
  return (persona.hostname.split('.')[0] ?? persona.hostname).toUpperCase().slice(0, 15);
}

/** The Windows computer name of this install (the persona's, which its Remote Desktop certificate names too). */
export { windowsComputerName };

/** The NTLM identity of the flavor on this persona. */
export function ntlmIdentity(persona: Persona, flavor: NtlmFlavor, release: WindowsServerRelease = '2019'): NtlmIdentity {
  if (flavor === 'windows') {
    const name = windowsComputerName(persona);
    // A workgroup server with no primary DNS suffix names itself everywhere; with one, the DNS names carry it.
    const dnsDomain = persona.domain || name;
    const dnsComputer = persona.domain ? `${name}.${persona.domain}` : name;
    return { targetName: name, targetType: 'server', nbDomain: name, nbComputer: name, dnsDomain, dnsComputer, version: WINDOWS_VERSION[release] };
  }
  const nb = netbiosName(persona);
  const host = persona.hostname.toLowerCase();
  const fqdn = persona.domain && !host.includes('.') ? `${host}.${persona.domain}` : host;
  return { targetName: nb, targetType: 'server', nbDomain: nb, nbComputer: nb, dnsDomain: persona.domain, dnsComputer: fqdn, version: SAMBA_NTLM_VERSION };
}
