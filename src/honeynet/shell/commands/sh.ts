import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';

/**
 * `sh`/`bash`/`dash`: `-c CMD`, a script file, a script on stdin, or (interactive, no input) a nested shell that
 * `exit` leaves. Everything runs in the emulated interpreter.
 */
export const sh = {
  name: 'sh',
  aliases: ['bash', 'dash'],
  paths: ['/usr/bin/bash', '/usr/bin/dash', '/usr/bin/rbash'],
  run(args, io, ctx) {
    const name = ctx.invokedAs.slice(ctx.invokedAs.lastIndexOf('/') + 1);
    let i = 0;
    let command: string | undefined;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-c') {
        command = args[++i];
        i++;
        break;
      }
      if (a === '--version' && name === 'bash') {
        io.out('GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\nCopyright (C) 2022 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\nThis is free software; you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n');
        return 0;
      }
      if (!a.startsWith('-') || a === '-') break;
    }
    if (args.includes('-c') && command === undefined) {
      io.err(`${name}: -c: option requires an argument\n`);
      return 2;
    }
    if (command !== undefined) return ctx.runShell(command, io, { args: args.slice(i + 1), name: args[i] ?? name });
    const script = args[i];
    if (script !== undefined && script !== '-') {
      let source: string;
      try {
        source = ctx.fs.readFile(ctx.resolve(script));
      } catch (err) {
        io.err(name === 'bash' ? `bash: ${script}: ${errorText(err)}\n` : `${name}: 0: cannot open ${script}: No such file\n`);
        return 127;
      }
      if (source.includes('\0')) {
        io.err(name === 'bash' ? `bash: ${script}: cannot execute binary file\n` : `${name}: 1: ${script}: Syntax error: word unexpected (expecting ")")\n`);
        return name === 'bash' ? 126 : 2;
      }
      return ctx.runShell(source, io, { args: args.slice(i + 1), name: script });
    }
    if (!io.stdinIsTerminal) return ctx.runShell(io.stdin, io, { name });
    // An interactive subshell: dash shows its own prompt (`# `/`$ `) and `$0` is `sh`; `exit` comes back.
    ctx.state.nested.push({ user: ctx.state.user, cwd: ctx.state.cwd, scriptName: ctx.state.scriptName });
    ctx.state.scriptName = name === 'bash' ? 'bash' : name === 'rbash' ? 'rbash' : 'sh';
    return 0;
  },
} satisfies ShellCommand;
