/** The emulated shell of the SSH/Telnet honeypots: fake filesystem per persona, parser, commands, sessions. */
export { createBaseFs, createShellSession } from './session.js';
export type { ExecuteResult, ShellSession, ShellSessionOptions } from './session.js';
export type { BaseFs } from './fs/base-fs.js';
export type { ShellHooks } from './hooks.js';
export type { ShellLimits } from './interpreter/limits.js';
export { DEFAULT_LIMITS } from './interpreter/limits.js';
export type { ShellCommand, CommandContext, CommandIo } from './command.js';
export { CommandRegistry } from './command-registry.js';
export { ALL_COMMANDS, defaultRegistry } from './commands/index.js';
