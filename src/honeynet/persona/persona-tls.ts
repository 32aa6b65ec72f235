/**
 * The certificates a persona's machine would have made for itself: Debian's ssl-cert snakeoil (generated when
 * the OS was installed; nginx, Apache and xrdp serve it by default) and, for a Remote Desktop service that claims
 * to be Windows, the certificate Windows renews every six months. Generated once with the persona and persisted.
 */
import { randomInt } from 'node:crypto';
import type { Persona, PersonaTls } from './persona.js';
import { snakeoilCertificate, windowsRdpCertificate } from './self-signed-certificate.js';
import { windowsComputerName } from './windows-name.js';

export function generatePersonaTls(p: Pick<Persona, 'hostname' | 'domain' | 'bootTime' | 'createdAt' | 'id' | 'machineId'>): PersonaTls {
  const fqdn = p.domain ? `${p.hostname}.${p.domain}` : p.hostname;
  // The OS was installed some weeks to two years before its last boot; the RDP certificate was last renewed
  // within the six months it is valid.
  const installed = new Date(p.bootTime - randomInt(20 * 24, 700 * 24) * 3_600_000 - randomInt(0, 3_600_000));
  const renewed = new Date(Date.parse(p.createdAt) - randomInt(1 * 24, 150 * 24) * 3_600_000 - randomInt(0, 3_600_000));
  return { snakeoil: snakeoilCertificate(fqdn, installed), rdp: windowsRdpCertificate(windowsComputerName(p), renewed) };
}
