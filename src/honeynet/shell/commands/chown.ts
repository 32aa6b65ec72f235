import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { joinPath } from '../fs/path.js';
import { accountNamed } from './lib/inputs.js';

/** `chown [-R] OWNER[:GROUP] FILE...` and `chgrp [-R] GROUP FILE...` (root only, like the real tools). */
export const chown = {
  name: 'chown',
  aliases: ['chgrp'],
  paths: ['/usr/bin/chown', '/usr/bin/chgrp'],
  run(args, io, ctx) {
    const name = ctx.invokedAs.endsWith('chgrp') ? 'chgrp' : 'chown';
    const recursive = args.some((a) => a === '-R' || a === '--recursive');
    const rest = args.filter((a) => !/^-[Rvfch]+$/.test(a) && a !== '--recursive');
    const [spec, ...files] = rest;
    if (spec === undefined || files.length === 0) {
      io.err(`${name}: missing operand${spec === undefined ? '' : ` after '${spec}'`}\nTry '${name} --help' for more information.\n`);
      return 1;
    }
    const [ownerPart, groupPart] = name === 'chgrp' ? [undefined, spec] : spec.split(/[:.]/);
    let uid: number | undefined;
    let gid: number | undefined;
    if (ownerPart) {
      const account = /^\d+$/.test(ownerPart) ? { uid: Number(ownerPart), gid: Number(ownerPart) } : accountNamed(ctx, ownerPart);
      if (!account) {
        io.err(`${name}: invalid user: '${spec}'\n`);
        return 1;
      }
      uid = account.uid;
      if (spec.endsWith(':')) gid = account.gid;
    }
    if (groupPart) {
      const group = /^\d+$/.test(groupPart) ? Number(groupPart) : ctx.machine.groups.find((g) => g.name === groupPart)?.gid ?? (groupPart === ctx.login.account.name ? ctx.login.account.gid : undefined);
      if (group === undefined) {
        io.err(`${name}: invalid group: '${spec}'\n`);
        return 1;
      }
      gid = group;
    }
    let status = 0;
    let budget = 10_000;
    const apply = (path: string, label: string): void => {
      if (--budget < 0) return;
      try {
        const node = ctx.fs.stat(path);
        ctx.fs.chown(path, uid ?? node.uid, gid ?? node.gid);
        if (recursive && node.kind === 'dir') for (const [child] of ctx.fs.readdir(path)) apply(joinPath(path, child), `${label}/${child}`);
      } catch (err) {
        const msg = errorText(err);
        io.err(msg === 'No such file or directory' ? `${name}: cannot access '${label}': ${msg}\n` : `${name}: changing ${name === 'chgrp' || !ownerPart ? 'group' : 'ownership'} of '${label}': ${msg}\n`);
        status = 1;
      }
    };
    for (const f of files) apply(ctx.resolve(f), f);
    return status;
  },
} satisfies ShellCommand;
