import type { ShellCommand } from '../command.js';

/** `passwd [USER]`: there is no terminal input to read new passwords from, so it fails like a mismatch. */
export const passwd = {
  name: 'passwd',
  paths: ['/usr/bin/passwd'],
  run(args, io, ctx) {
    const me = ctx.state.user;
    const target = args.find((a) => !a.startsWith('-')) ?? me.name;
    if (target !== me.name && me.uid !== 0) {
      io.err(`passwd: You may not view or modify password information for ${target}.\n`);
      return 1;
    }
    if (!ctx.machine.accounts.some((a) => a.name === target) && target !== me.name) {
      io.err(`passwd: user '${target}' does not exist\n`);
      return 1;
    }
    if (args.includes('-S')) {
      io.out(`${target} P ${new Date(ctx.machine.installTime).toISOString().slice(0, 10).replace(/-/g, '/')} 0 99999 7 -1\n`);
      return 0;
    }
    const lines = io.stdin.split('\n');
    if (me.uid !== 0) io.out('Changing password for ' + target + '.\nCurrent password: ');
    io.out('New password: ');
    io.out('\nRetype new password: ');
    if (lines.length >= 2 && lines[0] !== '' && lines[0] === lines[1]) {
      io.out('\npasswd: password updated successfully\n');
      return 0;
    }
    io.err('\nSorry, passwords do not match.\npasswd: Authentication token manipulation error\npasswd: password unchanged\n');
    return 10;
  },
} satisfies ShellCommand;
