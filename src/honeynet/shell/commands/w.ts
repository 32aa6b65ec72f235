import type { ShellCommand } from '../command.js';
import { hourMinute } from '../system/time-format.js';
import { uptimeLine } from './lib/uptime-line.js';

/** `w [-h] [-s]`: the session's own login (user, tty, source address, login time, current command). */
export const w = {
  name: 'w',
  paths: ['/usr/bin/w'],
  run(args, io, ctx) {
    const now = ctx.now();
    const noHeader = args.some((a) => /^-[a-z]*h/.test(a));
    const short = args.some((a) => /^-[a-z]*s/.test(a));
    const l = ctx.login;
    let out = '';
    if (!noHeader) {
      out += `${uptimeLine(ctx, now)}\n`;
      out += short ? 'USER     TTY      FROM              IDLE WHAT\n' : 'USER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\n';
    }
    const from = l.clientIp.padEnd(16).slice(0, 16);
    const what = ['w', ...args].join(' ');
    out += short
      ? `${l.account.name.padEnd(8).slice(0, 8)} ${l.tty.padEnd(8)} ${from}  0.00s ${what}\n`
      : `${l.account.name.padEnd(8).slice(0, 8)} ${l.tty.padEnd(8)} ${from} ${hourMinute(l.loginAt).padEnd(7)}  0.00s  0.01s  0.00s ${what}\n`;
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
