import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';

/** `chattr [+-=][aiAcdesu...] FILE...`: root only; attributes are accepted and not kept (ext4 on a VM). */
export const chattr = {
  name: 'chattr',
  paths: ['/usr/bin/chattr'],
  run(args, io, ctx) {
    const modes = args.filter((a) => /^[-+=][aAcCdDeEFijmPsStTux]+$/.test(a));
    const files = args.filter((a) => !modes.includes(a) && !/^-[RVf]+$/.test(a));
    if (modes.length === 0 || files.length === 0) {
      io.err('Usage: chattr [-RVf] [-+=aAcCdDeijPsStTuFx] [-p project] [-v version] files...\n');
      return 1;
    }
    let status = 0;
    for (const f of files) {
      try {
        const node = ctx.fs.stat(ctx.resolve(f));
        if (ctx.state.user.uid !== 0 && (modes.some((m) => /[ai]/.test(m)) || node.uid !== ctx.state.user.uid)) {
          io.err(`chattr: Operation not permitted while setting flags on ${f}\n`);
          status = 1;
        }
      } catch (err) {
        io.err(`chattr: ${errorText(err)} while trying to stat ${f}\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
