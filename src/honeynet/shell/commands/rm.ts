import type { CommandContext, ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { joinPath, normalizePath } from '../fs/path.js';
import { parseOptions, usageError } from './lib/options.js';

const MAX_REMOVALS = 20_000;

/** `rm [-rfiv] [-d] FILE...`, with GNU's refusals (`/`, `.` and `..`). */
export const rm = {
  name: 'rm',
  paths: ['/usr/bin/rm'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'rRfivdI', long: { recursive: 'r', force: 'f', verbose: 'v', dir: 'd', 'no-preserve-root': 'np', 'preserve-root': 'pr', interactive: 'i' } });
    if (!opts.ok) {
      usageError(io.err, 'rm', opts.error);
      return 1;
    }
    const f = opts.flags;
    const force = f.has('f');
    const recursive = f.has('r') || f.has('R');
    if (opts.operands.length === 0) {
      if (force) return 0;
      usageError(io.err, 'rm', 'missing operand');
      return 1;
    }
    let status = 0;
    let budget = MAX_REMOVALS;
    const removeTree = (path: string, label: string): boolean => {
      if (--budget < 0) return false;
      let ok = true;
      let entries: string[];
      try {
        entries = ctx.fs.readdir(path).map(([n]) => n);
      } catch (err) {
        io.err(`rm: cannot remove '${label}': ${errorText(err)}\n`);
        return false;
      }
      for (const name of entries) {
        const child = joinPath(path, name);
        const node = ctx.fs.lstat(child);
        if (node.kind === 'dir') ok = removeTree(child, `${label}/${name}`) && ok;
        else ok = remove(ctx, child, `${label}/${name}`, io.err, f.has('v') ? io.out : undefined) && ok;
      }
      if (!ok) return false;
      try {
        ctx.fs.rmdir(path);
        if (f.has('v')) io.out(`removed directory '${label}'\n`);
        return true;
      } catch (err) {
        io.err(`rm: cannot remove '${label}': ${errorText(err)}\n`);
        return false;
      }
    };
    for (const op of opts.operands) {
      const path = ctx.resolve(op);
      const last = op.replace(/\/+$/, '').split('/').pop();
      if (last === '.' || last === '..') {
        io.err(`rm: refusing to remove '.' or '..' directory: skipping '${op}'\n`);
        status = 1;
        continue;
      }
      if (normalizePath(path) === '/' && recursive && !f.has('np')) {
        io.err("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
        status = 1;
        continue;
      }
      let node;
      try {
        node = ctx.fs.lstat(path);
      } catch (err) {
        if (!force) {
          io.err(`rm: cannot remove '${op}': ${errorText(err)}\n`);
          status = 1;
        }
        continue;
      }
      if (node.kind === 'dir') {
        if (!recursive && !f.has('d')) {
          io.err(`rm: cannot remove '${op}': Is a directory\n`);
          status = 1;
        } else if (!recursive) {
          try {
            ctx.fs.rmdir(path);
          } catch (err) {
            io.err(`rm: cannot remove '${op}': ${errorText(err)}\n`);
            status = 1;
          }
        } else if (!removeTree(path, op.replace(/\/+$/, '') || op)) status = 1;
      } else if (!remove(ctx, path, op, io.err, f.has('v') ? io.out : undefined)) status = 1;
    }
    return status;
  },
} satisfies ShellCommand;

function remove(ctx: CommandContext, path: string, label: string, err: (t: string) => void, verbose?: (t: string) => void): boolean {
  try {
    ctx.fs.unlink(path);
    verbose?.(`removed '${label}'\n`);
    return true;
  } catch (e) {
    err(`rm: cannot remove '${label}': ${errorText(e)}\n`);
    return false;
  }
}
