import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';

const SPOOL = '/var/spool/cron/crontabs';

/** `crontab -l|-r|FILE|-`: the user's crontab lives in the session overlay (spool written as root, like cron's setgid helper). */
export const crontab = {
  name: 'crontab',
  paths: ['/usr/bin/crontab'],
  run(args, io, ctx) {
    const user = ctx.state.user;
    const uIndex = args.indexOf('-u');
    const who = uIndex >= 0 ? args[uIndex + 1] ?? user.name : user.name;
    if (who !== user.name && user.uid !== 0) {
      io.err('must be privileged to use -u\n');
      return 1;
    }
    const path = `${SPOOL}/${who}`;
    const asRoot = <T>(fn: () => T): T => {
      const saved = ctx.fs.identity;
      ctx.fs.identity = { uid: 0, gid: 0, groups: [0] };
      try {
        return fn();
      } finally {
        ctx.fs.identity = saved;
      }
    };
    const flags = args.filter((a, i) => a.startsWith('-') && a !== '-' && args[i - 1] !== '-u');
    const operand = args.find((a, i) => (!a.startsWith('-') || a === '-') && args[i - 1] !== '-u');
    if (flags.includes('-l')) {
      try {
        io.out(asRoot(() => ctx.fs.readFile(path)));
        return 0;
      } catch {
        io.err(`no crontab for ${who}\n`);
        return 1;
      }
    }
    if (flags.includes('-r')) {
      try {
        asRoot(() => ctx.fs.unlink(path));
        return 0;
      } catch {
        io.err(`no crontab for ${who}\n`);
        return 1;
      }
    }
    if (flags.includes('-e')) {
      io.err('no crontab for ' + who + ' - using an empty one\ncrontab: installing new crontab\n');
      return 0;
    }
    if (operand === undefined) {
      io.err(`crontab: usage error: file name must be specified for replace\nusage:\tcrontab [-u user] [ -i ] { -e | -l | -r }\n\t\t(default operation is replace, per 1003.2)\n`);
      return 1;
    }
    let content: string;
    try {
      content = operand === '-' ? io.stdin : ctx.fs.readFile(ctx.resolve(operand));
    } catch (err) {
      io.err(`${operand}: ${errorText(err)}\n`);
      return 1;
    }
    const bad = content.split('\n').findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#') && !/^\s*(@\w+|\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+\S/.test(l) && !/^\s*\w+\s*=/.test(l));
    if (bad >= 0) {
      io.err(`"-":${bad + 1}: bad minute\nerrors in crontab file, can't install.\n`);
      return 1;
    }
    try {
      asRoot(() => ctx.fs.writeFile(path, content, { mode: 0o600 }));
      ctx.hooks.onFileWrite(path, Buffer.byteLength(content));
      return 0;
    } catch (err) {
      io.err(`crontab: ${errorText(err)}\n`);
      return 1;
    }
  },
} satisfies ShellCommand;
