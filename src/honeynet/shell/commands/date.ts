import type { ShellCommand } from '../command.js';
import { DAYS, MONTHS, dateString } from '../system/time-format.js';

/** `date [+FORMAT] [-u] [-R] [-I]`: the session clock in UTC. */
export const date = {
  name: 'date',
  paths: ['/usr/bin/date'],
  run(args, io, ctx) {
    const now = ctx.now();
    const d = new Date(now);
    const fmt = args.find((a) => a.startsWith('+'));
    if (args.some((a) => a === '-s' || a.startsWith('--set'))) {
      io.err('date: cannot set date: Operation not permitted\n');
      io.out(`${dateString(now)}\n`);
      return 1;
    }
    if (args.includes('-R')) {
      io.out(`${d.toUTCString().replace('GMT', '+0000').replace(/^(\w+),/, '$1,')}\n`);
      return 0;
    }
    if (args.some((a) => a.startsWith('-I') || a.startsWith('--iso'))) {
      io.out(`${d.toISOString().slice(0, 10)}\n`);
      return 0;
    }
    if (!fmt) {
      io.out(`${dateString(now)}\n`);
      return 0;
    }
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const map: Record<string, () => string> = {
      Y: () => String(d.getUTCFullYear()),
      y: () => p2(d.getUTCFullYear() % 100),
      m: () => p2(d.getUTCMonth() + 1),
      d: () => p2(d.getUTCDate()),
      e: () => String(d.getUTCDate()).padStart(2),
      H: () => p2(d.getUTCHours()),
      M: () => p2(d.getUTCMinutes()),
      S: () => p2(d.getUTCSeconds()),
      s: () => String(Math.floor(now / 1000)),
      N: () => String((now % 1000) * 1_000_000).padStart(9, '0'),
      b: () => MONTHS[d.getUTCMonth()]!,
      a: () => DAYS[d.getUTCDay()]!,
      Z: () => 'UTC',
      z: () => '+0000',
      F: () => d.toISOString().slice(0, 10),
      T: () => d.toISOString().slice(11, 19),
      j: () => String(Math.floor((now - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0'),
      u: () => String(d.getUTCDay() || 7),
      n: () => '\n',
      t: () => '\t',
      '%': () => '%',
    };
    io.out(`${fmt.slice(1).replace(/%(.)/g, (m, c: string) => map[c]?.() ?? m)}\n`);
    return 0;
  },
} satisfies ShellCommand;
