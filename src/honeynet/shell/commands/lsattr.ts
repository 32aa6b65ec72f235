import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { joinPath } from '../fs/path.js';

/** `lsattr [-d] [FILE...]`: ext4 files show the extent flag only. */
export const lsattr = {
  name: 'lsattr',
  paths: ['/usr/bin/lsattr'],
  run(args, io, ctx) {
    const dirOnly = args.includes('-d');
    const files = args.filter((a) => !a.startsWith('-'));
    const flags = '--------------e-------';
    let status = 0;
    const show = (label: string, path: string): void => {
      try {
        const node = ctx.fs.stat(path);
        if (node.kind === 'dir' && !dirOnly && files.length > 0) {
          for (const [name] of ctx.fs.readdir(path).sort(([a], [b]) => (a < b ? -1 : 1))) {
            if (!name.startsWith('.')) io.out(`${flags} ${label}/${name}\n`);
          }
        } else io.out(`${flags} ${label}\n`);
      } catch (err) {
        io.err(`lsattr: ${errorText(err)} while trying to stat ${label}\n`);
        status = 1;
      }
    };
    if (files.length === 0) {
      for (const [name] of ctx.fs.tryReaddir(ctx.state.cwd).sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (!name.startsWith('.')) show(`./${name}`, joinPath(ctx.state.cwd, name));
      }
    } else for (const f of files) show(f, ctx.resolve(f));
    return status;
  },
} satisfies ShellCommand;
