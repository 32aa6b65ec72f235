import type { Account } from './system/login.js';

/** One shell variable. */
export interface ShellVar {
  value: string;
  exported: boolean;
}

/** The mutable state of one shell session: variables, working directory, user, history, aliases. */
export class ShellState {
  readonly vars = new Map<string, ShellVar>();
  readonly aliases = new Map<string, string>();
  readonly history: string[] = [];
  cwd: string;
  /** The effective account (changes with `su`; `sudo` switches it for one command). */
  user: Account;
  lastStatus = 0;
  /** Nested `sh`/`bash`/`su` shells: `exit` leaves one instead of closing the session. */
  /** Shells entered with `sh`, `bash` or `su`; `exit` leaves the innermost. `scriptName` is the one to restore. */
  nested: Array<{ user: Account; cwd: string; scriptName?: string }> = [];
  /** Positional parameters of the running script (`$1`...). */
  positional: string[] = [];
  /** `$0`. */
  scriptName = '-bash';
  exitRequested = false;
  private nextPid: number;

  constructor(user: Account, cwd: string, firstPid: number) {
    this.user = user;
    this.cwd = cwd;
    this.nextPid = firstPid;
  }

  get(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  set(name: string, value: string, exported?: boolean): void {
    const current = this.vars.get(name);
    this.vars.set(name, { value, exported: exported ?? current?.exported ?? false });
  }

  /** Exported variables, as `env` prints them. */
  environment(): Array<[string, string]> {
    return [...this.vars].filter(([, v]) => v.exported).map(([k, v]) => [k, v.value]);
  }

  /** A new PID for a command about to run (every command is a process on a real machine). */
  allocatePid(): number {
    this.nextPid += 1 + (this.nextPid % 3 === 0 ? 1 : 0);
    return this.nextPid;
  }

  peekPid(): number {
    return this.nextPid;
  }
}
