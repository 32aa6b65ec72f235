import type { Persona } from '../../persona/persona.js';

/**
 * The PostgreSQL the persona's OS ships, and the source locations its error messages carry (the F/L/R fields
 * nmap fingerprints). `startupLine` is ProcessStartupPacket's "unsupported frontend protocol" in postmaster.c
 * (15 → 2220 and its layout check 2332, as Debian 12's 15.20 sends them; 14's is the line nmap knows for 14.1-14.5,
 * 16's an estimate — nmap softmatches any line as "PostgreSQL DB 9.6.0 or later"); `authFailedLine` is
 * auth_failed's ereport in auth.c (estimated, not taken from a capture).
 */
export interface PostgresRelease {
  major: number;
  /** server_version as ParameterStatus would report it. */
  serverVersion: string;
  startupLine: number;
  /** "invalid startup packet layout: expected terminator as last byte" (postmaster.c). */
  layoutLine: number;
  authFailedLine: number;
}

const RELEASES: Record<string, PostgresRelease> = {
  'debian:12': { major: 15, serverVersion: '15.8 (Debian 15.8-0+deb12u1)', startupLine: 2220, layoutLine: 2332, authFailedLine: 323 },
  'ubuntu:24.04': { major: 16, serverVersion: '16.4 (Ubuntu 16.4-0ubuntu0.24.04.2)', startupLine: 2211, layoutLine: 2323, authFailedLine: 323 },
  'ubuntu:22.04': { major: 14, serverVersion: '14.13 (Ubuntu 14.13-0ubuntu0.22.04.1)', startupLine: 2138, layoutLine: 2250, authFailedLine: 326 },
};

export function postgresRelease(persona: Persona): PostgresRelease {
  const major = persona.os.versionId.split('.')[0];
  return RELEASES[`${persona.os.id}:${persona.os.versionId}`] ?? RELEASES[`${persona.os.id}:${major}`] ?? RELEASES['debian:12']!;
}
