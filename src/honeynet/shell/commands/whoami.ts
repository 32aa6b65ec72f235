import type { ShellCommand } from '../command.js';

/** `whoami` */
export const whoami = {
  name: 'whoami',
  paths: ['/usr/bin/whoami'],
  run(args, io, ctx) {
    if (args.length > 0 && !args[0]!.startsWith('--')) {
      io.err(`whoami: extra operand '${args[0]}'\nTry 'whoami --help' for more information.\n`);
      return 1;
    }
    io.out(`${ctx.state.user.name}\n`);
    return 0;
  },
} satisfies ShellCommand;
