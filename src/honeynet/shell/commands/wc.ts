import type { ShellCommand } from '../command.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `wc [-lwcm] [FILE]...`: columns as wide as the largest count, a `total` line for several files. */
export const wc = {
  name: 'wc',
  paths: ['/usr/bin/wc'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'lwcmL', long: { lines: 'l', words: 'w', bytes: 'c', chars: 'm' } });
    if (!opts.ok) {
      usageError(io.err, 'wc', opts.error);
      return 1;
    }
    const f = opts.flags;
    const picked = ['l', 'w', 'm', 'c'].filter((k) => f.has(k));
    const keys = picked.length > 0 ? picked : ['l', 'w', 'c'];
    const { inputs, failed } = readInputs(opts.operands, io, ctx, 'wc');
    const rows = inputs.map((input) => {
      const counts: Record<string, number> = {
        l: (input.text.match(/\n/g) ?? []).length,
        w: input.text.split(/\s+/).filter((w) => w !== '').length,
        c: Buffer.byteLength(input.text, 'latin1'),
        m: input.text.length,
      };
      return { name: opts.operands.length === 0 ? '' : input.name, counts };
    });
    if (rows.length > 1) {
      const total: Record<string, number> = { l: 0, w: 0, c: 0, m: 0 };
      for (const r of rows) for (const k of Object.keys(total)) total[k]! += r.counts[k]!;
      rows.push({ name: 'total', counts: total });
    }
    const single = keys.length === 1 && opts.operands.length <= 1;
    const width = single ? 0 : Math.max(opts.operands.length === 0 ? 7 : 1, ...rows.flatMap((r) => keys.map((k) => String(r.counts[k]).length)));
    for (const r of rows) io.out(`${keys.map((k) => String(r.counts[k]).padStart(width)).join(' ')}${r.name ? ` ${r.name}` : ''}\n`);
    return failed ? 1 : 0;
  },
} satisfies ShellCommand;
