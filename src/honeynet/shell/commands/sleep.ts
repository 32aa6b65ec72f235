import type { ShellCommand } from '../command.js';

/** `sleep N[smhd]`: validates like coreutils and returns at once (the session never blocks). */
export const sleep = {
  name: 'sleep',
  paths: ['/usr/bin/sleep'],
  run(args, io) {
    if (args.length === 0) {
      io.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
      return 1;
    }
    for (const a of args) {
      if (!/^(\d+(\.\d*)?|\.\d+)[smhd]?$/.test(a) && a !== 'infinity') {
        io.err(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
        return 1;
      }
    }
    return 0;
  },
} satisfies ShellCommand;
