import type { ShellCommand } from '../command.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `-3` → `-n 3` (the historical syntax `head -3`/`tail -3` still accepted by coreutils). */
export function legacyCount(args: string[]): string[] {
  return args.map((a, i) => {
    const prev = args[i - 1];
    if (prev === '-n' || prev === '-c') return a;
    return /^-\d+$/.test(a) ? `-n${a.slice(1)}` : /^\+\d+$/.test(a) ? `-n${a}` : a;
  });
}

/** Output of `head`/`tail` for several files: `==> name <==` headers separated by blank lines. */
export function withHeaders(name: string, index: number, show: boolean): string {
  return show ? `${index > 0 ? '\n' : ''}==> ${name === '-' ? 'standard input' : name} <==\n` : '';
}

/** `head [-n N|-N|-c N] [-q|-v] [FILE]...` (negative N: all but the last N). */
export const head = {
  name: 'head',
  paths: ['/usr/bin/head'],
  run(args, io, ctx) {
    const opts = parseOptions(legacyCount(args), { flags: 'qv', values: 'nc', long: { 'lines=': 'n', 'bytes=': 'c', quiet: 'q', verbose: 'v' } });
    if (!opts.ok) {
      usageError(io.err, 'head', opts.error);
      return 1;
    }
    const spec = opts.values.get('c') ?? opts.values.get('n') ?? '10';
    const bytes = opts.values.has('c');
    if (!/^-?\d+$/.test(spec)) {
      io.err(`head: invalid number of ${bytes ? 'bytes' : 'lines'}: '${spec}'\n`);
      return 1;
    }
    const n = Number(spec);
    const { inputs, failed } = readInputs(opts.operands, io, ctx, 'head');
    const show = opts.flags.has('v') || (inputs.length + (failed ? 1 : 0) > 1 && !opts.flags.has('q'));
    inputs.forEach((input, i) => {
      let text: string;
      if (bytes) text = n >= 0 ? input.text.slice(0, n) : input.text.slice(0, Math.max(0, input.text.length + n));
      else {
        const lines = input.text.split(/(?<=\n)/);
        text = (n >= 0 ? lines.slice(0, n) : lines.slice(0, Math.max(0, lines.length + n))).join('');
      }
      io.out(withHeaders(input.name, i, show) + text);
    });
    return failed ? 1 : 0;
  },
} satisfies ShellCommand;
