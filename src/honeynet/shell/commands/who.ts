import type { ShellCommand } from '../command.js';
import { isoMinute } from '../system/time-format.js';

/** `who [-b|-q|-H|am i]`: one login, the attacker's. */
export const who = {
  name: 'who',
  paths: ['/usr/bin/who'],
  run(args, io, ctx) {
    const l = ctx.login;
    if (args.includes('-b') || args.includes('--boot')) {
      io.out(`         system boot  ${isoMinute(ctx.persona.bootTime)}\n`);
      return 0;
    }
    if (args.includes('-q') || args.includes('--count')) {
      io.out(`${l.account.name}\n# users=1\n`);
      return 0;
    }
    const header = args.includes('-H') || args.includes('--heading') ? 'NAME     LINE         TIME             COMMENT\n' : '';
    io.out(`${header}${l.account.name.padEnd(8)} ${l.tty.padEnd(12)} ${isoMinute(l.loginAt)} (${l.clientIp})\n`);
    return 0;
  },
} satisfies ShellCommand;
