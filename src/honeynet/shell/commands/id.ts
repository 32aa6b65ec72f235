import type { ShellCommand } from '../command.js';
import { groupIdsOf } from '../system/accounts.js';
import { accountNamed, groupName } from './lib/inputs.js';

/** `id [-u|-g|-G] [-n] [USER]`, consistent with /etc/passwd and /etc/group. */
export const id = {
  name: 'id',
  paths: ['/usr/bin/id'],
  run(args, io, ctx) {
    const flags = new Set(args.filter((a) => a.startsWith('-')).flatMap((a) => [...a.slice(1)]));
    const who = args.find((a) => !a.startsWith('-'));
    const account = who === undefined ? ctx.state.user : accountNamed(ctx, who);
    if (!account) {
      io.err(`id: '${who}': no such user\n`);
      return 1;
    }
    const gids = account === ctx.login.account && !ctx.machine.accounts.includes(account) ? [account.gid] : groupIdsOf(account, ctx.machine.groups);
    const name = flags.has('n');
    if (flags.has('u')) io.out(`${name ? account.name : account.uid}\n`);
    else if (flags.has('g')) io.out(`${name ? groupName(ctx, account.gid) : account.gid}\n`);
    else if (flags.has('G')) io.out(`${gids.map((g) => (name ? groupName(ctx, g) : String(g))).join(' ')}\n`);
    else {
      const groups = gids.map((g) => `${g}(${groupName(ctx, g)})`).join(',');
      io.out(`uid=${account.uid}(${account.name}) gid=${account.gid}(${groupName(ctx, account.gid)}) groups=${groups}\n`);
    }
    return 0;
  },
} satisfies ShellCommand;
