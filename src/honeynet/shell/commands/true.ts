import type { ShellCommand } from '../command.js';

/** `true` and `:` */
export const trueCommand = {
  name: 'true',
  aliases: [':'],
  paths: ['/usr/bin/true'],
  builtin: true,
  run() {
    return 0;
  },
} satisfies ShellCommand;
