import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { joinPath } from '../fs/path.js';

/** Applies a symbolic (`u+x,go-w`, `+x`, `a=r`) or octal (`755`) mode; undefined when invalid. */
export function applyMode(spec: string, current: number, isDir: boolean): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = current;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return undefined;
    const who = m[1] === '' || m[1]!.includes('a') ? 'ugo' : m[1]!;
    let bits = 0;
    for (const p of m[3]!) {
      for (const w of who) {
        const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
        if (p === 'r') bits |= 4 << shift;
        if (p === 'w') bits |= 2 << shift;
        if (p === 'x' || (p === 'X' && (isDir || (current & 0o111) !== 0))) bits |= 1 << shift;
        if (p === 's' && w === 'u') bits |= 0o4000;
        if (p === 's' && w === 'g') bits |= 0o2000;
      }
      if (p === 't') bits |= 0o1000;
    }
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else {
      let clear = 0;
      for (const w of who) clear |= 7 << (w === 'u' ? 6 : w === 'g' ? 3 : 0);
      mode = (mode & ~clear) | bits;
    }
  }
  return mode & 0o7777;
}

/** `chmod [-Rv] MODE FILE...` */
export const chmod = {
  name: 'chmod',
  paths: ['/usr/bin/chmod'],
  run(args, io, ctx) {
    const flags = new Set<string>();
    const rest: string[] = [];
    for (const a of args) {
      if (/^-[Rvfc]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
      else if (a === '--recursive') flags.add('R');
      else rest.push(a);
    }
    const [spec, ...files] = rest;
    if (spec === undefined) {
      io.err("chmod: missing operand\nTry 'chmod --help' for more information.\n");
      return 1;
    }
    if (files.length === 0) {
      io.err(`chmod: missing operand after '${spec}'\nTry 'chmod --help' for more information.\n`);
      return 1;
    }
    let status = 0;
    let budget = 10_000;
    const apply = (path: string, label: string): void => {
      if (--budget < 0) return;
      try {
        const node = ctx.fs.stat(path);
        const mode = applyMode(spec, node.mode, node.kind === 'dir');
        if (mode === undefined) {
          io.err(`chmod: invalid mode: '${spec}'\nTry 'chmod --help' for more information.\n`);
          status = 1;
          budget = 0;
          return;
        }
        ctx.fs.chmod(path, mode);
        if (flags.has('v')) io.out(`mode of '${label}' changed from ${(node.mode & 0o7777).toString(8).padStart(4, '0')} to ${mode.toString(8).padStart(4, '0')}\n`);
        if (flags.has('R') && node.kind === 'dir') {
          for (const [name] of ctx.fs.readdir(path)) apply(joinPath(path, name), `${label}/${name}`);
        }
      } catch (err) {
        const msg = errorText(err);
        io.err(msg === 'No such file or directory' ? `chmod: cannot access '${label}': ${msg}\n` : `chmod: changing permissions of '${label}': ${msg}\n`);
        status = 1;
      }
    };
    for (const f of files) apply(ctx.resolve(f), f);
    return status;
  },
} satisfies ShellCommand;
