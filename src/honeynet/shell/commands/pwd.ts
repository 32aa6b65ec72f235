import type { ShellCommand } from '../command.js';

/** `pwd` (logical, like the bash builtin; `-P` resolves symlinks). */
export const pwd = {
  name: 'pwd',
  paths: ['/usr/bin/pwd'],
  builtin: true,
  run(args, io, ctx) {
    const bad = args.find((a) => a.startsWith('-') && a !== '-L' && a !== '-P');
    if (bad) {
      io.err(`bash: pwd: ${bad.slice(0, 2)}: invalid option\npwd: usage: pwd [-LP]\n`);
      return 2;
    }
    let cwd = ctx.state.cwd;
    if (args.includes('-P')) {
      try {
        cwd = ctx.fs.realpath(cwd);
      } catch {
        // keep the logical path
      }
    }
    io.out(`${cwd}\n`);
    return 0;
  },
} satisfies ShellCommand;
