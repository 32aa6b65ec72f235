import type { ShellCommand } from '../command.js';
import { isoSecond } from '../system/time-format.js';
import { uptimeLine } from './lib/uptime-line.js';

/** `uptime [-p|-s]`, computed from the persona's boot time (same figures as /proc/uptime and /proc/loadavg). */
export const uptime = {
  name: 'uptime',
  paths: ['/usr/bin/uptime'],
  run(args, io, ctx) {
    const now = ctx.now();
    if (args.includes('-s') || args.includes('--since')) {
      io.out(`${isoSecond(ctx.persona.bootTime)}\n`);
      return 0;
    }
    if (args.includes('-p') || args.includes('--pretty')) {
      const mins = Math.floor((now - ctx.persona.bootTime) / 60_000);
      const parts: string[] = [];
      const weeks = Math.floor(mins / 10_080);
      const days = Math.floor((mins % 10_080) / 1_440);
      const hours = Math.floor((mins % 1_440) / 60);
      const m = mins % 60;
      if (weeks) parts.push(`${weeks} week${weeks === 1 ? '' : 's'}`);
      if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
      if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
      if (m || parts.length === 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
      io.out(`up ${parts.join(', ')}\n`);
      return 0;
    }
    io.out(`${uptimeLine(ctx, now)}\n`);
    return 0;
  },
} satisfies ShellCommand;
