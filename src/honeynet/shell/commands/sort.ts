import type { ShellCommand } from '../command.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `sort [-rnuf] [-k N] [-t SEP] [FILE]...` */
export const sort = {
  name: 'sort',
  paths: ['/usr/bin/sort'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'rnufbhV', values: 'ktoS', long: { reverse: 'r', 'numeric-sort': 'n', unique: 'u', 'ignore-case': 'f', 'key=': 'k', 'field-separator=': 't' } });
    if (!opts.ok) {
      usageError(io.err, 'sort', opts.error);
      return 2;
    }
    const f = opts.flags;
    const { inputs, failed } = readInputs(opts.operands, io, ctx, 'sort');
    if (failed) return 2;
    const lines = inputs.flatMap((i) => {
      const l = i.text.split('\n');
      if (l[l.length - 1] === '') l.pop();
      return l;
    });
    const field = opts.values.has('k') ? Number.parseInt(opts.values.get('k')!, 10) : 0;
    const sep = opts.values.get('t');
    const key = (line: string): string => {
      if (!field) return line;
      const parts = sep !== undefined ? line.split(sep) : line.trim().split(/\s+/);
      return parts.slice(field - 1).join(sep ?? ' ');
    };
    const numeric = f.has('n') || f.has('h');
    const cmp = (a: string, b: string): number => {
      const ka = f.has('f') ? key(a).toUpperCase() : key(a);
      const kb = f.has('f') ? key(b).toUpperCase() : key(b);
      if (numeric) {
        const d = (Number.parseFloat(ka) || 0) - (Number.parseFloat(kb) || 0);
        if (d !== 0) return d;
      } else if (ka !== kb) return ka < kb ? -1 : 1;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    let sorted = lines.sort(cmp);
    if (f.has('r')) sorted.reverse();
    if (f.has('u')) sorted = sorted.filter((l, i) => i === 0 || cmp(sorted[i - 1]!, l) !== 0);
    io.out(sorted.map((l) => `${l}\n`).join(''));
    return 0;
  },
} satisfies ShellCommand;
