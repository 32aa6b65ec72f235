import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { parseOptions, usageError } from './lib/options.js';

/** `touch [-c] [-a|-m] [-d DATE] [-r REF] FILE...` */
export const touch = {
  name: 'touch',
  paths: ['/usr/bin/touch'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'cam', values: 'drt', long: { 'no-create': 'c', 'date=': 'd', 'reference=': 'r' } });
    if (!opts.ok) {
      usageError(io.err, 'touch', opts.error);
      return 1;
    }
    if (opts.operands.length === 0) {
      usageError(io.err, 'touch', 'missing file operand');
      return 1;
    }
    let when = ctx.now();
    if (opts.values.has('d')) {
      const t = Date.parse(opts.values.get('d')!);
      if (Number.isNaN(t)) {
        io.err(`touch: invalid date format '${opts.values.get('d')}'\n`);
        return 1;
      }
      when = t;
    }
    if (opts.values.has('r')) {
      try {
        when = ctx.fs.stat(ctx.resolve(opts.values.get('r')!)).mtime;
      } catch (err) {
        io.err(`touch: failed to get attributes of '${opts.values.get('r')}': ${errorText(err)}\n`);
        return 1;
      }
    }
    let status = 0;
    for (const op of opts.operands) {
      const path = ctx.resolve(op);
      try {
        if (ctx.fs.exists(path)) ctx.fs.setMtime(path, when);
        else if (!opts.flags.has('c')) {
          ctx.fs.writeFile(path, '');
          ctx.fs.setMtime(path, when);
        }
      } catch (err) {
        io.err(`touch: cannot touch '${op}': ${errorText(err)}\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
