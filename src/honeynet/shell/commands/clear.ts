import type { ShellCommand } from '../command.js';

/** `clear` / `reset`: the xterm escape sequences. */
export const clear = {
  name: 'clear',
  aliases: ['reset'],
  paths: ['/usr/bin/clear', '/usr/bin/reset'],
  run(_args, io) {
    io.out('\x1b[H\x1b[2J\x1b[3J');
    return 0;
  },
} satisfies ShellCommand;
