import type { Persona } from '../persona/persona.js';
import type { HoneypotSession } from './honeypot-session.js';

/** What an interactive service (SSH, Telnet) needs of the emulated shell. */
export interface ShellLike {
  /** `user@host:~$ ` (bash's prompt for the session's user and directory). */
  prompt(): string;
  /** What the login prints before the first prompt (uname line or welcome, motd, last login), `\n` line ends. */
  banner(): string;
  /** Runs one input line (never for real); output uses `\n`. `exit` ends the session. */
  execute(line: string): Promise<{ output: string; exit: boolean }>;
}

export interface ShellOptions {
  session: HoneypotSession;
  persona: Persona;
  username: string;
  tty: string;
  term: string;
  width: number;
  height: number;
}

/** Builds a shell for a logged-in session; passed to the services that need one. */
export type ShellFactory = (opts: ShellOptions) => ShellLike;
