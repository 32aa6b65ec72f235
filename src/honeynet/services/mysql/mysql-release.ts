import type { Persona } from '../../persona/persona.js';

/** The MySQL-compatible server the persona's OS ships (`apt install default-mysql-server`), as its greeting shows it. */
export interface MysqlRelease {
  flavor: 'mariadb' | 'mysql';
  /** The greeting's server version (MariaDB prefixes `5.5.5-` for old clients). */
  version: string;
  /** The default authentication plugin announced in the greeting. */
  plugin: 'mysql_native_password' | 'caching_sha2_password';
  /** Default collation id (utf8mb4_general_ci 45 on MariaDB 10.11, utf8mb4_0900_ai_ci 255 on MySQL 8). */
  charset: number;
  /** Capability flags (lower and upper 16 bits) as the real server sends them, CLIENT_SSL (0x800) cleared: no TLS here. */
  capabilities: number;
  /** MariaDB's extended capabilities (in the greeting's reserved bytes). */
  mariadbCapabilities: number;
}

const MARIADB_10_11: Omit<MysqlRelease, 'version'> = { flavor: 'mariadb', plugin: 'mysql_native_password', charset: 45, capabilities: 0x81fff7fe, mariadbCapabilities: 0x1d };
const MYSQL_8_0: Omit<MysqlRelease, 'version'> = { flavor: 'mysql', plugin: 'caching_sha2_password', charset: 255, capabilities: 0xdffff7ff, mariadbCapabilities: 0 };

const RELEASES: Record<string, MysqlRelease> = {
  'debian:12': { ...MARIADB_10_11, version: '5.5.5-10.11.19-MariaDB-0+deb12u1' },
  'ubuntu:24.04': { ...MYSQL_8_0, version: '8.0.40-0ubuntu0.24.04.1' },
  'ubuntu:22.04': { ...MYSQL_8_0, version: '8.0.40-0ubuntu0.22.04.1' },
};

export function mysqlRelease(persona: Persona): MysqlRelease {
  const major = persona.os.versionId.split('.')[0];
  return RELEASES[`${persona.os.id}:${persona.os.versionId}`] ?? RELEASES[`${persona.os.id}:${major}`] ?? RELEASES['debian:12']!;
}
