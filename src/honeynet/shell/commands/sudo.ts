import type { ShellCommand } from '../command.js';

/**
 * `sudo [-u USER] [-i|-s] CMD...`: root and members of `sudo` run the command as the target (no password is
 * asked: the persona's admin has NOPASSWD-like behaviour); others get the sudoers refusal.
 */
export const sudo = {
  name: 'sudo',
  paths: ['/usr/bin/sudo'],
  run(args, io, ctx) {
    const me = ctx.state.user;
    let targetName = 'root';
    let i = 0;
    let shell = false;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-u') targetName = args[++i] ?? 'root';
      else if (a === '-i' || a === '-s' || a === '-su') shell = true;
      else if (a === '-V') {
        io.out('Sudo version 1.9.13p3\nSudoers policy plugin version 1.9.13p3\nSudoers file grammar version 50\nSudoers I/O plugin version 1.9.13p3\nSudoers audit plugin version 1.9.13p3\n');
        return 0;
      } else if (a === '-l') {
        io.out(`Matching Defaults entries for ${me.name} on ${ctx.persona.hostname}:\n    env_reset, mail_badpass, secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin, use_pty\n\nUser ${me.name} may run the following commands on ${ctx.persona.hostname}:\n    (ALL : ALL) ALL\n`);
        return 0;
      } else if (a === '--') {
        i++;
        break;
      } else if (!a.startsWith('-')) break;
    }
    const inSudo = me.uid === 0 || ctx.machine.groups.some((g) => (g.name === 'sudo' || g.name === 'admin') && g.members.includes(me.name));
    if (!inSudo) {
      io.err(`[sudo] password for ${me.name}: \nSorry, try again.\n[sudo] password for ${me.name}: \nSorry, try again.\n[sudo] password for ${me.name}: \nsudo: 3 incorrect password attempts\n`);
      return 1;
    }
    const target = ctx.machine.accounts.find((a) => a.name === targetName) ?? (targetName === me.name ? me : undefined);
    if (!target) {
      io.err(`sudo: unknown user ${targetName}\nsudo: error initializing audit plugin sudoers_audit\n`);
      return 1;
    }
    const argv = args.slice(i);
    if (argv.length === 0) {
      if (!shell) {
        io.err('usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]\nusage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [<command>]\nusage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...\n');
        return 1;
      }
      ctx.state.nested.push({ user: me, cwd: ctx.state.cwd });
      ctx.state.user = target;
      ctx.fs.identity = { uid: target.uid, gid: target.gid, groups: [target.gid] };
      if (args.includes('-i')) ctx.state.cwd = target.home;
      return 0;
    }
    return ctx.runCommand(argv, io, { as: target });
  },
} satisfies ShellCommand;
