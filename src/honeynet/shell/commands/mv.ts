import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { basename, joinPath } from '../fs/path.js';
import { parseOptions, usageError } from './lib/options.js';

/** `mv [-fiv] SOURCE... DEST` */
export const mv = {
  name: 'mv',
  paths: ['/usr/bin/mv'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'fivnuT', long: { force: 'f', verbose: 'v', 'no-clobber': 'n' } });
    if (!opts.ok) {
      usageError(io.err, 'mv', opts.error);
      return 1;
    }
    const ops = opts.operands;
    if (ops.length < 2) {
      usageError(io.err, 'mv', ops.length === 0 ? 'missing file operand' : `missing destination file operand after '${ops[0]}'`);
      return 1;
    }
    const destOp = ops[ops.length - 1]!;
    const dest = ctx.resolve(destOp);
    const destIsDir = ctx.fs.exists(dest) && ctx.fs.stat(dest).kind === 'dir';
    if (ops.length > 2 && !destIsDir) {
      io.err(`mv: target '${destOp}' is not a directory\n`);
      return 1;
    }
    let status = 0;
    for (const op of ops.slice(0, -1)) {
      const src = ctx.resolve(op);
      const target = destIsDir ? joinPath(dest, basename(src)) : dest;
      try {
        ctx.fs.lstat(src);
      } catch (err) {
        io.err(`mv: cannot stat '${op}': ${errorText(err)}\n`);
        status = 1;
        continue;
      }
      if (target === src) {
        io.err(`mv: '${op}' and '${destOp}' are the same file\n`);
        status = 1;
        continue;
      }
      try {
        ctx.fs.rename(src, target);
        if (opts.flags.has('v')) io.out(`renamed '${op}' -> '${destIsDir ? `${destOp.replace(/\/$/, '')}/${basename(src)}` : destOp}'\n`);
      } catch (err) {
        const msg = errorText(err);
        io.err(msg === 'Invalid argument' ? `mv: cannot move '${op}' to a subdirectory of itself, '${destOp}/${basename(src)}'\n` : `mv: cannot move '${op}' to '${destOp}': ${msg}\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
