import type { ShellCommand } from '../command.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `uniq [-c] [-d] [-u] [-i] [INPUT]` */
export const uniq = {
  name: 'uniq',
  paths: ['/usr/bin/uniq'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'cdui', long: { count: 'c', repeated: 'd', unique: 'u', 'ignore-case': 'i' } });
    if (!opts.ok) {
      usageError(io.err, 'uniq', opts.error);
      return 1;
    }
    const f = opts.flags;
    const { inputs, failed } = readInputs(opts.operands.slice(0, 1), io, ctx, 'uniq');
    if (failed) return 1;
    const lines = (inputs[0]?.text ?? '').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const same = (a: string, b: string): boolean => (f.has('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
    let out = '';
    for (let i = 0; i < lines.length; ) {
      let j = i + 1;
      while (j < lines.length && same(lines[j]!, lines[i]!)) j++;
      const n = j - i;
      if ((!f.has('d') || n > 1) && (!f.has('u') || n === 1)) out += f.has('c') ? `${String(n).padStart(7)} ${lines[i]}\n` : `${lines[i]}\n`;
      i = j;
    }
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
