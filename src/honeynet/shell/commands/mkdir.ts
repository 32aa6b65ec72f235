import type { ShellCommand } from '../command.js';
import { errorText, FsError } from '../fs/fs-error.js';
import { splitPath } from '../fs/path.js';
import { parseOptions, usageError } from './lib/options.js';

/** `mkdir [-p] [-v] [-m MODE] DIR...` */
export const mkdir = {
  name: 'mkdir',
  paths: ['/usr/bin/mkdir'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'pv', values: 'm', long: { parents: 'p', verbose: 'v', 'mode=': 'm' } });
    if (!opts.ok) {
      usageError(io.err, 'mkdir', opts.error);
      return 1;
    }
    if (opts.operands.length === 0) {
      usageError(io.err, 'mkdir', 'missing operand');
      return 1;
    }
    const mode = opts.values.has('m') ? parseInt(opts.values.get('m')!, 8) : 0o755;
    let status = 0;
    for (const op of opts.operands) {
      const path = ctx.resolve(op);
      try {
        if (opts.flags.has('p')) {
          let cur = '';
          for (const part of splitPath(path)) {
            cur += `/${part}`;
            if (ctx.fs.exists(cur)) {
              if (ctx.fs.stat(cur).kind !== 'dir') throw new FsError('ENOTDIR');
              continue;
            }
            ctx.fs.mkdir(cur, Number.isNaN(mode) ? 0o755 : mode);
            if (opts.flags.has('v')) io.out(`mkdir: created directory '${cur}'\n`);
          }
        } else {
          ctx.fs.mkdir(path, Number.isNaN(mode) ? 0o755 : mode);
          if (opts.flags.has('v')) io.out(`mkdir: created directory '${op}'\n`);
        }
      } catch (err) {
        io.err(`mkdir: cannot create directory '${op}': ${errorText(err)}\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
