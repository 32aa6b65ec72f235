import type { Persona } from '../../persona/persona.js';

/** The Redis the persona's OS ships (`apt install redis-server`), and what its build says about itself in INFO. */
export interface RedisRelease {
  version: string;
  gcc: string;
  /** Redis 6.0 words some errors differently (backquotes in `unknown command`, WRONGPASS without "disabled"). */
  major: 6 | 7;
}

const RELEASES: Record<string, RedisRelease> = {
  'debian:12': { version: '7.0.15', gcc: '12.2.0', major: 7 },
  'ubuntu:24.04': { version: '7.0.15', gcc: '13.2.0', major: 7 },
  'ubuntu:22.04': { version: '6.0.16', gcc: '11.2.0', major: 6 },
};

export function redisRelease(persona: Persona): RedisRelease {
  const major = persona.os.versionId.split('.')[0];
  return RELEASES[`${persona.os.id}:${persona.os.versionId}`] ?? RELEASES[`${persona.os.id}:${major}`] ?? RELEASES['debian:12']!;
}
