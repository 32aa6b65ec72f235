import type { ShellCommand } from '../command.js';
import { mountTable } from '../system/mounts.js';

/** `mount` (list, `-t TYPE`); mounting anything is refused like an unprivileged or failing mount. */
export const mount = {
  name: 'mount',
  aliases: ['umount'],
  paths: ['/usr/bin/mount', '/usr/bin/umount'],
  run(args, io, ctx) {
    const name = ctx.invokedAs.endsWith('umount') ? 'umount' : 'mount';
    const table = mountTable(ctx.machine.memory, ctx.machine.disk, ctx.login.account.uid);
    const operands = args.filter((a) => !a.startsWith('-'));
    const typeIndex = args.indexOf('-t');
    const type = typeIndex >= 0 ? args[typeIndex + 1] : undefined;
    if (name === 'mount' && (operands.length === 0 || (type !== undefined && operands.length === 1 && operands[0] === type))) {
      io.out(table.filter((m) => !type || m.fstype === type).map((m) => `${m.source} on ${m.target} type ${m.fstype} (${m.options})\n`).join(''));
      return 0;
    }
    if (ctx.state.user.uid !== 0) {
      io.err(`${name}: only root can do that.\n`);
      return 1;
    }
    const target = operands[operands.length - 1]!;
    if (name === 'umount') {
      io.err(`umount: ${target}: target is busy.\n`);
      return 32;
    }
    io.err(`mount: ${target}: special device ${operands[0]} does not exist.\n       dmesg(1) may have more information after failed mount system call.\n`);
    return 32;
  },
} satisfies ShellCommand;
