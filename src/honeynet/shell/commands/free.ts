import type { ShellCommand } from '../command.js';
import { buffCacheKb, usedKb } from '../system/memory.js';
import { procpsHuman } from '../system/human-size.js';
import { parseOptions } from './lib/options.js';

/** `free [-b|-k|-m|-g|-h] [-t] [-w]` (procps-ng 4 layout), from the same figures as /proc/meminfo. */
export const free = {
  name: 'free',
  paths: ['/usr/bin/free'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'bkmghtwl', long: { bytes: 'b', kibi: 'k', mebi: 'm', gibi: 'g', human: 'h', total: 't', wide: 'w', mega: 'm', giga: 'g', si: 'si' } });
    if (!opts.ok) {
      io.err(`free: ${opts.error}\n\nUsage:\n free [options]\n`);
      return 1;
    }
    const m = ctx.machine.memory;
    const f = opts.flags;
    const fmt = (kb: number): string => {
      if (f.has('h')) return procpsHuman(kb * 1024);
      if (f.has('b')) return String(kb * 1024);
      if (f.has('m')) return String(Math.floor(kb / 1024));
      if (f.has('g')) return String(Math.floor(kb / 1048576));
      return String(kb);
    };
    const wide = f.has('w');
    const col = (v: string): string => v.padStart(12);
    let out = wide
      ? '               total        used        free      shared     buffers       cache   available\n'
      : '               total        used        free      shared  buff/cache   available\n';
    const mem = wide
      ? [m.totalKb, usedKb(m), m.freeKb, m.shmemKb, m.buffersKb, m.cachedKb + m.sReclaimableKb, m.availableKb]
      : [m.totalKb, usedKb(m), m.freeKb, m.shmemKb, buffCacheKb(m), m.availableKb];
    out += `${'Mem:'.padEnd(8)}${mem.map((v) => col(fmt(v))).join('')}\n`;
    const swapUsed = m.swapTotalKb - m.swapFreeKb;
    out += `${'Swap:'.padEnd(8)}${[m.swapTotalKb, swapUsed, m.swapFreeKb].map((v) => col(fmt(v))).join('')}\n`;
    if (f.has('t')) {
      out += `${'Total:'.padEnd(8)}${[m.totalKb + m.swapTotalKb, usedKb(m) + swapUsed, m.freeKb + m.swapFreeKb].map((v) => col(fmt(v))).join('')}\n`;
    }
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
