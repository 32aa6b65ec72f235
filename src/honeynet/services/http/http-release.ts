import type { Persona } from '../../persona/persona.js';

/** The web server a persona's OS ships (`apt install nginx` / `apache2`), as its Server header and pages name it. */
export interface HttpRelease {
  product: 'nginx' | 'apache';
  /** The Server header value and the signature in error pages: `nginx/1.22.1`, `Apache/2.4.62 (Debian)`. */
  server: string;
  /** nginx ≥ 1.21.1 refuses CONNECT with 405 and a request with both Content-Length and Transfer-Encoding (400). */
  strictFraming: boolean;
  /** Requests one keep-alive connection may carry (nginx keepalive_requests: 1000 since 1.19.10, 100 before; Apache MaxKeepAliveRequests 100). */
  keepAliveRequests: number;
  /** The phpMyAdmin package of the same release (its login page shows the version in asset URLs). */
  phpMyAdmin: string;
}

interface OsRelease {
  nginx: string;
  apache: string;
  phpMyAdmin: string;
}

const RELEASES: Record<string, OsRelease> = {
  'debian:12': { nginx: 'nginx/1.22.1', apache: 'Apache/2.4.62 (Debian)', phpMyAdmin: '5.2.1' },
  'debian:11': { nginx: 'nginx/1.18.0', apache: 'Apache/2.4.62 (Debian)', phpMyAdmin: '5.0.4' },
  'ubuntu:24.04': { nginx: 'nginx/1.24.0 (Ubuntu)', apache: 'Apache/2.4.58 (Ubuntu)', phpMyAdmin: '5.2.1' },
  'ubuntu:22.04': { nginx: 'nginx/1.18.0 (Ubuntu)', apache: 'Apache/2.4.52 (Ubuntu)', phpMyAdmin: '5.1.1' },
};

function osRelease(persona: Persona): OsRelease {
  const major = persona.os.versionId.split('.')[0];
  return RELEASES[`${persona.os.id}:${persona.os.versionId}`] ?? RELEASES[`${persona.os.id}:${major}`] ?? RELEASES['debian:12']!;
}

/** `[1, 22, 1]` from `nginx/1.22.1 (Ubuntu)`. */
function versionOf(server: string): number[] {
  return (/\/([\d.]+)/.exec(server)?.[1] ?? '0').split('.').map(Number);
}

function atLeast(v: number[], want: number[]): boolean {
  for (let i = 0; i < want.length; i++) {
    const a = v[i] ?? 0;
    if (a !== want[i]) return a > want[i]!;
  }
  return true;
}

export function httpRelease(persona: Persona, product: 'nginx' | 'apache'): HttpRelease {
  const os = osRelease(persona);
  if (product === 'apache') return { product, server: os.apache, strictFraming: true, keepAliveRequests: 100, phpMyAdmin: os.phpMyAdmin };
  const v = versionOf(os.nginx);
  return { product, server: os.nginx, strictFraming: atLeast(v, [1, 21, 1]), keepAliveRequests: atLeast(v, [1, 19, 10]) ? 1000 : 100, phpMyAdmin: os.phpMyAdmin };
}
