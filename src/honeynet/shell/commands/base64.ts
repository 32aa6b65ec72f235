import type { ShellCommand } from '../command.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `base64 [-d] [-w COLS] [FILE]`: wraps at 76 columns like coreutils; bytes are Latin-1 code units. */
export const base64 = {
  name: 'base64',
  paths: ['/usr/bin/base64'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'di', values: 'w', long: { decode: 'd', 'ignore-garbage': 'i', 'wrap=': 'w' } });
    if (!opts.ok) {
      usageError(io.err, 'base64', opts.error);
      return 1;
    }
    if (opts.operands.length > 1) {
      usageError(io.err, 'base64', `extra operand '${opts.operands[1]}'`);
      return 1;
    }
    const { inputs, failed } = readInputs(opts.operands, io, ctx, 'base64');
    if (failed) return 1;
    const text = inputs[0]?.text ?? '';
    if (opts.flags.has('d')) {
      const clean = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) && !opts.flags.has('i')) {
        io.out(Buffer.from(clean.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8'));
        io.err('base64: invalid input\n');
        return 1;
      }
      io.out(Buffer.from(clean, 'base64').toString('utf8'));
      return 0;
    }
    const encoded = Buffer.from(text, 'utf8').toString('base64');
    const wrap = Number(opts.values.get('w') ?? 76);
    if (wrap === 0) io.out(`${encoded}\n`);
    else io.out(encoded === '' ? '' : `${encoded.match(new RegExp(`.{1,${wrap}}`, 'g'))!.join('\n')}\n`);
    return 0;
  },
} satisfies ShellCommand;
