import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';

/** `cd [dir]`: `~`, `-` (prints the new directory), permission and type checks. */
export const cd = {
  name: 'cd',
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    const operands = args.filter((a) => a !== '-L' && a !== '-P' && a !== '--');
    if (operands.length > 1) {
      io.err('bash: cd: too many arguments\n');
      return 1;
    }
    const state = ctx.state;
    let target = operands[0];
    if (target === undefined || target === '') target = state.get('HOME') ?? '/';
    if (target === '-') {
      const old = state.get('OLDPWD');
      if (old === undefined) {
        io.err('bash: cd: OLDPWD not set\n');
        return 1;
      }
      target = old;
      io.out(`${old}\n`);
    }
    const path = ctx.resolve(target);
    try {
      const node = ctx.fs.stat(path);
      if (node.kind !== 'dir') {
        io.err(`bash: cd: ${target}: Not a directory\n`);
        return 1;
      }
      if (!ctx.fs.can(node, 'x')) {
        io.err(`bash: cd: ${target}: Permission denied\n`);
        return 1;
      }
    } catch (err) {
      io.err(`bash: cd: ${target}: ${errorText(err)}\n`);
      return 1;
    }
    state.set('OLDPWD', state.cwd);
    state.cwd = path;
    state.set('PWD', path);
    return 0;
  },
} satisfies ShellCommand;
