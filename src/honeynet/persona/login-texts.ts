import type { Persona } from './persona.js';

/** `/etc/issue.net`, which telnetd shows before the login prompt. */
export function issueNet(p: Persona): string {
  if (p.os.id === 'ubuntu') return `Ubuntu ${p.os.version.replace(/\s*\(.*\)$/, '')}`;
  return `Debian GNU/Linux ${p.os.versionId}`;
}
