import type { PersonaUser } from '../../persona/persona.js';

/** An account of the fake machine (root, a persona user, or a system user from /etc/passwd). */
export type Account = Omit<PersonaUser, 'groups'>;

/** How the attacker's session came in: what `w`, `who`, `ps`, `ss` and `/proc/self` show about it. */
export interface LoginInfo {
  /** The account logged in (the shell's user before any `su`/`sudo`). */
  account: Account;
  /** `pts/0` for SSH and Telnet. */
  tty: string;
  clientIp: string;
  clientPort: number;
  protocol: 'ssh' | 'telnet';
  /** Epoch ms of the login. */
  loginAt: number;
  /** PID of the login shell (`$$`). */
  shellPid: number;
}
