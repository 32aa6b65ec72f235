import type { Persona } from './persona.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime() format in UTC, as login(1) prints "Last login": `Tue Nov  3 09:05:01 2026`. */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** `/etc/issue.net`, which telnetd shows before the login prompt. */
export function issueNet(p: Persona): string {
  if (p.os.id === 'ubuntu') return `Ubuntu ${p.os.version.replace(/\s*\(.*\)$/, '')}`;
  return `Debian GNU/Linux ${p.os.versionId}`;
}

/** What a successful login prints before the first prompt: uname line or Ubuntu welcome, the motd, last login. */
export function loginBanner(p: Persona, lastLogin: { time: number; from: string }): string {
  const last = `Last login: ${ctime(lastLogin.time)} from ${lastLogin.from}\n`;
  if (p.os.id === 'ubuntu') {
    return (
      `Welcome to Ubuntu ${p.os.version.replace(/\s*\(.*\)$/, '')} (GNU/Linux ${p.kernel.release} ${p.kernel.arch})\n\n` +
      ' * Documentation:  https://help.ubuntu.com\n' +
      ' * Management:     https://landscape.canonical.com\n' +
      ' * Support:        https://ubuntu.com/pro\n\n' +
      last
    );
  }
  return (
    `Linux ${p.hostname} ${p.kernel.release} ${p.kernel.version} ${p.kernel.arch}\n\n` +
    'The programs included with the Debian GNU/Linux system are free software;\n' +
    'the exact distribution terms for each program are described in the\n' +
    'individual files in /usr/share/doc/*/copyright.\n\n' +
    'Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n' +
    'permitted by applicable law.\n' +
    last
  );
}
