import type { Persona } from '../persona/persona.js';
import type { SessionFs } from './fs/session-fs.js';
import type { ShellHooks } from './hooks.js';
import type { ShellState } from './shell-state.js';
import type { Account, LoginInfo } from './system/login.js';
import type { Machine } from './system/machine.js';
import type { ProcessInfo } from './system/processes.js';

/** What a command reads and writes. Pipes are buffered: `stdin` is everything the previous stage wrote. */
export interface CommandIo {
  readonly stdin: string;
  /** True when stdin is the terminal (nothing piped or redirected in). */
  readonly stdinIsTerminal: boolean;
  /** True when stdout goes to the terminal (tools such as `ls` and `curl` change format on that). */
  readonly stdoutIsTerminal: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** The world a command sees: the session, its filesystem, the fake machine, and a way to run nested shell code. */
export interface CommandContext {
  readonly persona: Persona;
  readonly machine: Machine;
  readonly fs: SessionFs;
  readonly state: ShellState;
  readonly login: LoginInfo;
  readonly hooks: Required<ShellHooks>;
  /** The name the command was invoked by (`egrep`, `/bin/busybox`). */
  readonly invokedAs: string;
  /** PID of this command's process (what `ps` shows for itself). */
  readonly pid: number;
  now(): number;
  /** Absolute, normalized path of an argument, relative to the working directory. */
  resolve(path: string): string;
  /** Looks a command up like bash would (builtins, then PATH in the fake fs): its path or `builtin`. */
  which(name: string): { kind: 'builtin' } | { kind: 'file'; path: string } | undefined;
  /** Runs shell source inside this session (for `sh -c`, `sudo`, `su -c`, scripts); returns the exit status. */
  runShell(source: string, io: CommandIo, opts?: { as?: Account; args?: string[]; name?: string }): number;
  /** Runs one registered command by name with the given arguments (for `sudo cmd`, `busybox applet`, `env cmd`). */
  runCommand(argv: string[], io: CommandIo, opts?: { as?: Account }): number;
  /** Every process on the machine now, this command's own included. */
  processes(): ProcessInfo[];
  /** The command registry, by name (for `which`, `type`, `busybox --list`). */
  hasCommand(name: string): boolean;
}

/** One emulated program or builtin. */
export interface ShellCommand {
  readonly name: string;
  /** Other names the same module answers to (`egrep`, `reboot`). */
  readonly aliases?: readonly string[];
  /** Absolute paths of its binaries in the fake tree (empty for pure builtins such as `cd`). */
  readonly paths: readonly string[];
  /** A bash builtin: found before PATH; `type` calls it a shell builtin. */
  readonly builtin?: boolean;
  /** Runs the command; `args` excludes the command name. Returns the exit status. Must not throw. */
  run(args: string[], io: CommandIo, ctx: CommandContext): number;
}
