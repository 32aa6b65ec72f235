import type { ShellCommand } from '../command.js';

/** `nproc [--all]`: the persona's core count. */
export const nproc = {
  name: 'nproc',
  paths: ['/usr/bin/nproc'],
  run(_args, io, ctx) {
    io.out(`${ctx.persona.hardware.cores}\n`);
    return 0;
  },
} satisfies ShellCommand;
