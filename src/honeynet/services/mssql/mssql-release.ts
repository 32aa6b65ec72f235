import type { Persona } from '../../persona/persona.js';

/**
 * A SQL Server build as a client sees it: the PRELOGIN VERSION option carries major.minor.build (the revision is
 * sent as 0, which is why nmap and ms-sql-info print e.g. `15.00.4430.00`).
 */
export interface MssqlRelease {
  /** The full product version, e.g. `16.0.4265.3`. */
  version: string;
  /** `2019`, `2022`, `2025`. */
  product: string;
  /** The servicing level, e.g. `CU26` or `CU32 + GDR`. */
  level: string;
  major: number;
  minor: number;
  build: number;
}

/**
 * Real builds from Microsoft's "Latest updates and version history for SQL Server" (KB table, July/August 2026)
 * and the per-product build-version articles. Only builds Microsoft shipped for Linux as well (CUs and CU + GDRs).
 */
const TABLE: ReadonlyArray<[version: string, product: string, level: string]> = [
  ['17.0.4075.5', '2025', 'CU8'],
  ['17.0.4065.4', '2025', 'CU7'],
  ['16.0.4265.3', '2022', 'CU26'],
  ['16.0.4262.2', '2022', 'CU25 + GDR'],
  ['16.0.4255.1', '2022', 'CU25'],
  ['16.0.4245.2', '2022', 'CU24'],
  ['16.0.4236.2', '2022', 'CU23'],
  ['16.0.4225.2', '2022', 'CU22'],
  ['16.0.4215.2', '2022', 'CU21'],
  ['16.0.4205.1', '2022', 'CU20'],
  ['16.0.4135.4', '2022', 'CU14'],
  ['16.0.1000.6', '2022', 'RTM'],
  ['15.0.4480.2', '2019', 'CU32 + GDR'],
  ['15.0.4430.1', '2019', 'CU32'],
  ['15.0.4420.2', '2019', 'CU31'],
  ['15.0.4415.2', '2019', 'CU30'],
  ['15.0.4375.4', '2019', 'CU27'],
  ['15.0.2000.5', '2019', 'RTM'],
];

function release([version, product, level]: readonly [string, string, string]): MssqlRelease {
  const [major, minor, build] = version.split('.').map(Number) as [number, number, number];
  return { version, product, level, major, minor, build };
}

/** Every build the `version` setting accepts. */
export const MSSQL_VERSIONS = TABLE.map(([v]) => v);

/**
 * The default per persona OS. Debian has no SQL Server package and Ubuntu 24.04 none for 2019/2022, so those hosts
 * run the container image; 2019 (CU32 + GDR, still serviced) is the default everywhere because it is the newest
 * release whose PRELOGIN version nmap 7.93 (Debian 12's) names — a 2022 build shows as plain "Microsoft SQL Server"
 * there. Pick a 2022 build with the `version` setting.
 */
const BY_OS: Record<string, string> = {
  'debian:12': '15.0.4480.2',
  'ubuntu:22.04': '15.0.4480.2',
  'ubuntu:24.04': '15.0.4480.2',
};

/** The build the service presents: the `version` setting, or the persona OS's default. */
export function mssqlRelease(persona: Persona, version = 'auto'): MssqlRelease {
  const chosen = version !== 'auto' ? version : (BY_OS[`${persona.os.id}:${persona.os.versionId}`] ?? BY_OS[`${persona.os.id}:${persona.os.versionId.split('.')[0]}`] ?? BY_OS['debian:12']!);
  const row = TABLE.find(([v]) => v === chosen) ?? TABLE.find(([v]) => v === BY_OS['debian:12'])!;
  return release(row);
}
