import type { CommandContext, ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { basename, joinPath } from '../fs/path.js';
import { parseOptions, usageError } from './lib/options.js';

const MAX_COPIES = 5_000;

/** `cp [-rRfpavi] SOURCE... DEST` */
export const cp = {
  name: 'cp',
  paths: ['/usr/bin/cp'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'rRfpavidnuLP', long: { recursive: 'r', force: 'f', archive: 'a', verbose: 'v', preserve: 'p' } });
    if (!opts.ok) {
      usageError(io.err, 'cp', opts.error);
      return 1;
    }
    const ops = opts.operands;
    if (ops.length < 2) {
      usageError(io.err, 'cp', ops.length === 0 ? 'missing file operand' : `missing destination file operand after '${ops[0]}'`);
      return 1;
    }
    const recursive = opts.flags.has('r') || opts.flags.has('R') || opts.flags.has('a');
    const destOp = ops[ops.length - 1]!;
    const dest = ctx.resolve(destOp);
    const destIsDir = ctx.fs.exists(dest) && ctx.fs.stat(dest).kind === 'dir';
    if (ops.length > 2 && !destIsDir) {
      io.err(`cp: target '${destOp}' is not a directory\n`);
      return 1;
    }
    let status = 0;
    let budget = MAX_COPIES;
    for (const op of ops.slice(0, -1)) {
      const src = ctx.resolve(op);
      const target = destIsDir ? joinPath(dest, basename(src)) : dest;
      if (!copy(ctx, src, target, op, recursive, io.err, () => --budget >= 0, opts.flags.has('v') ? (t) => io.out(t) : undefined)) status = 1;
    }
    return status;
  },
} satisfies ShellCommand;

function copy(
  ctx: CommandContext,
  src: string,
  target: string,
  label: string,
  recursive: boolean,
  err: (t: string) => void,
  spend: () => boolean,
  verbose?: (t: string) => void,
): boolean {
  if (!spend()) return false;
  let node;
  try {
    node = ctx.fs.stat(src);
  } catch (e) {
    err(`cp: cannot stat '${label}': ${errorText(e)}\n`);
    return false;
  }
  if (node.kind === 'dir') {
    if (!recursive) {
      err(`cp: -r not specified; omitting directory '${label}'\n`);
      return false;
    }
    if (target === src || target.startsWith(`${src}/`)) {
      err(`cp: cannot copy a directory, '${label}', into itself\n`);
      return false;
    }
    try {
      if (!ctx.fs.exists(target)) ctx.fs.mkdir(target, node.mode & 0o7777);
      const entries = ctx.fs.readdir(src).map(([n]) => n);
      let ok = true;
      for (const name of entries) ok = copy(ctx, joinPath(src, name), joinPath(target, name), `${label}/${name}`, true, err, spend, verbose) && ok;
      return ok;
    } catch (e) {
      err(`cp: cannot create directory '${target}': ${errorText(e)}\n`);
      return false;
    }
  }
  try {
    ctx.fs.copyFile(src, target);
    ctx.hooks.onFileWrite(target, ctx.fs.size(ctx.fs.stat(target)));
    verbose?.(`'${label}' -> '${target}'\n`);
    return true;
  } catch (e) {
    err(`cp: cannot create regular file '${target}': ${errorText(e)}\n`);
    return false;
  }
}
