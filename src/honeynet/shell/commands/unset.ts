import type { ShellCommand } from '../command.js';

const READONLY = new Set(['UID', 'EUID', 'PPID', 'BASHOPTS', 'SHELLOPTS']);

/** `unset [-v] NAME...` */
export const unset = {
  name: 'unset',
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    let status = 0;
    for (const name of args.filter((a) => a !== '-v' && a !== '-f')) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        io.err(`bash: unset: \`${name}': not a valid identifier\n`);
        status = 1;
      } else if (READONLY.has(name)) {
        io.err(`bash: unset: ${name}: cannot unset: readonly variable\n`);
        status = 1;
      } else {
        ctx.state.vars.delete(name);
      }
    }
    return status;
  },
} satisfies ShellCommand;
