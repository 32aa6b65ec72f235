import type { ShellCommand } from '../command.js';
import { coreutilsHuman } from '../system/human-size.js';
import { mountTable } from '../system/mounts.js';
import { parseOptions, usageError } from './lib/options.js';

/** `df [-h|-k|-m] [-T] [-i] [FILE]...` over the persona's mount table. */
export const df = {
  name: 'df',
  paths: ['/usr/bin/df'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'hHkmTiPal', values: 't', long: { 'human-readable': 'h', 'print-type': 'T', inodes: 'i', all: 'a', local: 'l', portability: 'P', 'type=': 't' } });
    if (!opts.ok) {
      usageError(io.err, 'df', opts.error);
      return 1;
    }
    const f = opts.flags;
    let mounts = mountTable(ctx.machine.memory, ctx.machine.disk, ctx.login.account.uid).filter((mt) => mt.df);
    if (opts.values.has('t')) mounts = mounts.filter((mt) => mt.fstype === opts.values.get('t'));
    if (opts.operands.length > 0) {
      const picked = [];
      for (const op of opts.operands) {
        const path = ctx.resolve(op);
        if (!ctx.fs.exists(path)) {
          io.err(`df: ${op}: No such file or directory\n`);
          continue;
        }
        const best = mounts.filter((mt) => path === mt.target || path.startsWith(mt.target === '/' ? '/' : `${mt.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
        if (best) picked.push(best);
      }
      mounts = picked;
    }
    const human = f.has('h') || f.has('H');
    const size = (kb: number): string => (human ? (kb === 0 ? '0' : coreutilsHuman(kb * 1024)) : f.has('m') ? String(Math.ceil(kb / 1024)) : String(kb));
    const rows = mounts.map((mt) => {
      const { sizeKb, usedKb } = mt.df!;
      const avail = Math.max(0, sizeKb - usedKb - (mt.fstype === 'ext4' ? Math.round(sizeKb * 0.05) : 0));
      const pct = sizeKb === 0 ? '-' : `${Math.ceil((usedKb / Math.max(1, usedKb + avail)) * 100)}%`;
      if (f.has('i')) {
        const inodes = Math.round(sizeKb / 16);
        const used = Math.round(usedKb / 40);
        return [mt.source, mt.fstype, String(inodes), String(used), String(inodes - used), `${Math.ceil((used / Math.max(1, inodes)) * 100)}%`, mt.target];
      }
      return [mt.source, mt.fstype, size(sizeKb), size(usedKb), size(avail), pct, mt.target];
    });
    const header = f.has('i')
      ? ['Filesystem', 'Type', 'Inodes', 'IUsed', 'IFree', 'IUse%', 'Mounted on']
      : ['Filesystem', 'Type', human ? 'Size' : f.has('m') ? '1M-blocks' : '1K-blocks', 'Used', human ? 'Avail' : 'Available', human ? 'Use%' : 'Use%', 'Mounted on'];
    const table = [header, ...rows].map((r) => (f.has('T') ? r : [r[0]!, ...r.slice(2)]));
    const mins = f.has('T') ? [14, 4, 5, 5, 5, 4, 0] : [14, 5, 5, 5, 4, 0];
    const widths = table[0]!.map((_, i) => Math.max(mins[i] ?? 0, ...table.map((r) => r[i]!.length)));
    const lines = table.map((r) =>
      r
        .map((cell, i) => {
          if (i === r.length - 1) return cell;
          if (i === 0 || (f.has('T') && i === 1)) return cell.padEnd(widths[i]!);
          return cell.padStart(widths[i]!);
        })
        .join(' '),
    );
    io.out(`${lines.join('\n')}\n`);
    return opts.operands.length > 0 && mounts.length < opts.operands.length ? 1 : 0;
  },
} satisfies ShellCommand;
