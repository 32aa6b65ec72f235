import type { ShellCommand } from '../command.js';
import { parseOptions, usageError } from './lib/options.js';

/** `uname [-asnrvmpio]` from the persona's kernel. */
export const uname = {
  name: 'uname',
  paths: ['/usr/bin/uname'],
  run(args, io, ctx) {
    const opts = parseOptions(args, {
      flags: 'asnrvmpio',
      long: { all: 'a', 'kernel-name': 's', nodename: 'n', 'kernel-release': 'r', 'kernel-version': 'v', machine: 'm', processor: 'p', 'hardware-platform': 'i', 'operating-system': 'o' },
    });
    if (!opts.ok) {
      usageError(io.err, 'uname', opts.error);
      return 1;
    }
    if (opts.operands.length > 0) {
      usageError(io.err, 'uname', `extra operand '${opts.operands[0]}'`);
      return 1;
    }
    const k = ctx.persona.kernel;
    const f = opts.flags;
    const fields: Array<[string, string]> = [
      ['s', 'Linux'],
      ['n', ctx.persona.hostname],
      ['r', k.release],
      ['v', k.version],
      ['m', k.arch],
      ['p', 'unknown'],
      ['i', 'unknown'],
      ['o', 'GNU/Linux'],
    ];
    const all = f.has('a');
    const picked = fields.filter(([c, v]) => (all ? v !== 'unknown' : f.has(c)));
    io.out(`${(picked.length > 0 ? picked : [fields[0]!]).map(([, v]) => v).join(' ')}\n`);
    return 0;
  },
} satisfies ShellCommand;
