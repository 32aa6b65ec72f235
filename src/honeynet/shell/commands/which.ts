import type { ShellCommand } from '../command.js';

/** `which [-a] NAME...` (Debian's `which`: PATH only, builtins are files too if they have one). */
export const which = {
  name: 'which',
  paths: ['/usr/bin/which'],
  run(args, io, ctx) {
    let status = 0;
    const names = args.filter((a) => !a.startsWith('-'));
    if (names.length === 0) return 1;
    for (const name of names) {
      const found = name.includes('/') ? (ctx.fs.exists(ctx.resolve(name)) ? name : undefined) : findInPath(ctx, name);
      if (found) io.out(`${found}\n`);
      else status = 1;
    }
    return status;
  },
} satisfies ShellCommand;

function findInPath(ctx: Parameters<ShellCommand['run']>[2], name: string): string | undefined {
  for (const dir of (ctx.state.get('PATH') ?? '').split(':')) {
    if (dir === '') continue;
    const path = `${dir.replace(/\/$/, '')}/${name}`;
    try {
      const node = ctx.fs.stat(path);
      if (node.kind === 'file' && (node.mode & 0o111) !== 0) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}
