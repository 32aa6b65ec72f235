import type { ShellCommand } from '../command.js';
import { identityOf } from '../interpreter/interpreter.js';

/**
 * `su [-] [USER] [-c CMD]`: root switches without a password; others are refused after the password prompt
 * (no password is ever accepted: the attacker does not know it).
 */
export const su = {
  name: 'su',
  paths: ['/usr/bin/su'],
  run(args, io, ctx) {
    let login = false;
    let command: string | undefined;
    let name = 'root';
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-' || a === '-l' || a === '--login') login = true;
      else if (a === '-c' || a === '--command') command = args[++i];
      else if (!a.startsWith('-')) name = a;
    }
    const target = ctx.machine.accounts.find((a) => a.name === name);
    if (!target) {
      io.err(`su: user ${name} does not exist or the user entry does not contain all the required fields\n`);
      return 1;
    }
    if (ctx.state.user.uid !== 0) {
      io.out('Password: ');
      io.err('\nsu: Authentication failure\n');
      return 1;
    }
    if (target.shell.endsWith('nologin') || target.shell.endsWith('false')) {
      io.out('This account is currently not available.\n');
      return 1;
    }
    if (command !== undefined) return ctx.runShell(command, io, { as: target });
    ctx.state.nested.push({ user: ctx.state.user, cwd: ctx.state.cwd });
    ctx.state.user = target;
    ctx.fs.identity = identityOf(target, ctx.machine);
    if (login) ctx.state.cwd = target.home;
    return 0;
  },
} satisfies ShellCommand;
