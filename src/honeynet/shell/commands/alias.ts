import type { ShellCommand } from '../command.js';

const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;

/** `alias [name[=value]...]` and `unalias [-a] name...` */
export const alias = {
  name: 'alias',
  aliases: ['unalias'],
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    const aliases = ctx.state.aliases;
    if (ctx.invokedAs === 'unalias') {
      if (args.length === 0) {
        io.err('unalias: usage: unalias [-a] name [name ...]\n');
        return 2;
      }
      if (args[0] === '-a') {
        aliases.clear();
        return 0;
      }
      let status = 0;
      for (const name of args) {
        if (!aliases.delete(name)) {
          io.err(`bash: unalias: ${name}: not found\n`);
          status = 1;
        }
      }
      return status;
    }
    const names = args.filter((a) => a !== '-p');
    if (names.length === 0) {
      for (const [k, v] of [...aliases].sort(([a], [b]) => (a < b ? -1 : 1))) io.out(`alias ${k}=${quote(v)}\n`);
      return 0;
    }
    let status = 0;
    for (const arg of names) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        aliases.set(arg.slice(0, eq), arg.slice(eq + 1));
      } else {
        const v = aliases.get(arg);
        if (v === undefined) {
          io.err(`bash: alias: ${arg}: not found\n`);
          status = 1;
        } else io.out(`alias ${arg}=${quote(v)}\n`);
      }
    }
    return status;
  },
} satisfies ShellCommand;
