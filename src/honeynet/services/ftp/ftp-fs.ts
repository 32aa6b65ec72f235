import { posix } from 'node:path';
import type { Persona } from '../../persona/persona.js';

export interface FtpEntry {
  name: string;
  dir: boolean;
  /** ls-style mode string, e.g. `drwxr-xr-x`, `lrwxrwxrwx`. */
  mode: string;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  target?: string;
}

/**
 * The small fake tree the FTP honeypot shows, consistent with the persona: anonymous sessions see vsftpd's
 * Debian `anon_root` (/srv/ftp, shown as `/`, with an empty `pub`); local users land in their home directory of
 * an unchrooted system (Debian's default), with the usual top-level directories, `/home/<user>` for the
 * persona's users and dot files hidden (vsftpd lists without `-a`).
 */
export class FtpTree {
  private readonly dirs = new Map<string, FtpEntry[]>();

  constructor(persona: Persona, anonymous: boolean, user: string) {
    const t0 = Date.parse(persona.createdAt) || Date.UTC(2025, 0, 1);
    const day = 86_400_000;
    const d = (name: string, mtime: number, uid = 0, gid = 0, mode = 'drwxr-xr-x'): FtpEntry => ({ name, dir: true, mode, uid, gid, size: 4096, mtime });
    if (anonymous) {
      this.dirs.set('/', [d('pub', t0 - 40 * day)]);
      this.dirs.set('/pub', []);
      return;
    }
    const link = (name: string, target: string): FtpEntry => ({ name, dir: false, mode: 'lrwxrwxrwx', uid: 0, gid: 0, size: target.length, mtime: t0 - 60 * day, target });
    this.dirs.set('/', [
      link('bin', 'usr/bin'), d('boot', t0 - 3 * day), d('dev', persona.bootTime), d('etc', t0 - day), d('home', t0 - 30 * day),
      link('lib', 'usr/lib'), link('lib64', 'usr/lib64'), d('lost+found', t0 - 60 * day, 0, 0, 'drwx------'), d('media', t0 - 60 * day),
      d('mnt', t0 - 60 * day), d('opt', t0 - 60 * day), d('proc', persona.bootTime, 0, 0, 'dr-xr-xr-x'), d('root', t0 - 2 * day, 0, 0, 'drwx------'),
      d('run', persona.bootTime), link('sbin', 'usr/sbin'), d('srv', t0 - 60 * day), d('sys', persona.bootTime, 0, 0, 'dr-xr-xr-x'),
      d('tmp', persona.bootTime, 0, 0, 'drwxrwxrwt'), d('usr', t0 - 60 * day), d('var', t0 - 60 * day),
    ]);
    const users = persona.users.map((u) => ({ name: u.name, uid: u.uid, gid: u.gid, home: u.home }));
    if (user !== 'root' && !users.some((u) => u.name === user)) users.push({ name: user, uid: 1000 + users.length + 1, gid: 1000 + users.length + 1, home: `/home/${user}` });
    this.dirs.set('/home', users.filter((u) => u.home.startsWith('/home/')).map((u) => d(posix.basename(u.home), t0 - 30 * day, u.uid, u.gid)));
    for (const u of users) this.dirs.set(u.home, []);
    this.dirs.set('/root', []);
    this.dirs.set('/srv', [d('ftp', t0 - 40 * day, 0, 0)]);
    this.dirs.set('/srv/ftp', []);
    this.dirs.set('/tmp', []);
    this.home = users.find((u) => u.name === user)?.home ?? '/root';
  }

  /** Where a login starts. */
  home = '/';

  resolve(cwd: string, arg: string): string {
    const p = posix.normalize(posix.isAbsolute(arg) ? arg : posix.join(cwd, arg));
    return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  list(path: string): FtpEntry[] | null {
    return this.dirs.get(path) ?? null;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One line of vsftpd's `LIST` (numeric ids, as `text_userdb_names=NO`): `drwxr-xr-x    2 0        0            4096 Jan 01 12:00 pub`. */
export function listLine(e: FtpEntry, now: number): string {
  const t = new Date(e.mtime);
  const recent = now - e.mtime < 182 * 86_400_000 && e.mtime <= now + 3_600_000;
  const date = `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, '0')} ${recent ? `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}` : ` ${t.getUTCFullYear()}`}`;
  const links = e.dir ? 2 : 1;
  const name = e.target ? `${e.name} -> ${e.target}` : e.name;
  return `${e.mode}${String(links).padStart(5)} ${String(e.uid).padEnd(8)} ${String(e.gid).padEnd(8)} ${String(e.size).padStart(8)} ${date} ${name}`;
}
