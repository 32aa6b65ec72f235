import type { ShellCommand } from '../command.js';
import { legacyCount, withHeaders } from './head.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `tail [-n N|-N|-n +N|-c N] [-f] [FILE]...` (`-f` prints the end and returns: nothing is ever appended). */
export const tail = {
  name: 'tail',
  paths: ['/usr/bin/tail'],
  run(args, io, ctx) {
    const opts = parseOptions(legacyCount(args), { flags: 'qvfFz', values: 'ncs', long: { 'lines=': 'n', 'bytes=': 'c', follow: 'f', quiet: 'q', verbose: 'v' } });
    if (!opts.ok) {
      usageError(io.err, 'tail', opts.error);
      return 1;
    }
    const bytes = opts.values.has('c');
    const spec = opts.values.get('c') ?? opts.values.get('n') ?? '10';
    if (!/^[+-]?\d+$/.test(spec)) {
      io.err(`tail: invalid number of ${bytes ? 'bytes' : 'lines'}: '${spec}'\n`);
      return 1;
    }
    const fromStart = spec.startsWith('+');
    const n = Math.abs(Number(spec));
    const { inputs, failed } = readInputs(opts.operands, io, ctx, 'tail');
    const show = opts.flags.has('v') || (inputs.length + (failed ? 1 : 0) > 1 && !opts.flags.has('q'));
    inputs.forEach((input, i) => {
      let text: string;
      if (bytes) text = fromStart ? input.text.slice(Math.max(0, n - 1)) : n === 0 ? '' : input.text.slice(-n);
      else {
        const lines = input.text.split(/(?<=\n)/);
        text = (fromStart ? lines.slice(Math.max(0, n - 1)) : n === 0 ? [] : lines.slice(-n)).join('');
      }
      io.out(withHeaders(input.name, i, show) + text);
    });
    return failed ? 1 : 0;
  },
} satisfies ShellCommand;
