import type { ShellCommand } from '../command.js';

/** `false` */
export const falseCommand = {
  name: 'false',
  paths: ['/usr/bin/false'],
  builtin: true,
  run() {
    return 1;
  },
} satisfies ShellCommand;
