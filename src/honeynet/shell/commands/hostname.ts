import type { ShellCommand } from '../command.js';

/** `hostname [-f|-s|-d|-i|-I]`; setting the name needs root and does nothing lasting. */
export const hostname = {
  name: 'hostname',
  paths: ['/usr/bin/hostname'],
  run(args, io, ctx) {
    const p = ctx.persona;
    const flag = args.find((a) => a.startsWith('-'));
    const operand = args.find((a) => !a.startsWith('-'));
    if (operand !== undefined) {
      if (ctx.state.user.uid !== 0) {
        io.err('hostname: you must be root to change the host name\n');
        return 1;
      }
      return 0;
    }
    switch (flag) {
      case undefined:
      case '-s':
      case '--short':
        io.out(`${p.hostname}\n`);
        return 0;
      case '-f':
      case '--fqdn':
      case '--long':
        io.out(`${p.domain ? `${p.hostname}.${p.domain}` : p.hostname}\n`);
        return 0;
      case '-d':
      case '--domain':
        io.out(`${p.domain}\n`);
        return 0;
      case '-i':
      case '--ip-address':
        io.out('127.0.1.1\n');
        return 0;
      case '-I':
      case '--all-ip-addresses':
        io.out(`${p.network.ip} \n`);
        return 0;
      default:
        io.err(`hostname: invalid option -- '${flag.replace(/^-+/, '').slice(0, 1)}'\nUsage: hostname [-b] {hostname|-F file}         set host name (from file)\n`);
        return 1;
    }
  },
} satisfies ShellCommand;
