import type { ShellCommand } from '../command.js';

/** `python3` (present on cloud images): `--version`, `-c` code and scripts run silently. */
export const python3 = {
  name: 'python3',
  paths: ['/usr/bin/python3'],
  run(args, io, ctx) {
    const version = ctx.persona.os.id === 'ubuntu' ? '3.12.3' : '3.11.2';
    if (args[0] === '-V' || args[0] === '--version') {
      io.out(`Python ${version}\n`);
      return 0;
    }
    const script = args.find((a) => !a.startsWith('-'));
    if (!args.includes('-c') && script !== undefined && !ctx.fs.exists(ctx.resolve(script))) {
      io.err(`python3: can't open file '${ctx.resolve(script)}': [Errno 2] No such file or directory\n`);
      return 2;
    }
    if (args.length === 0 && io.stdinIsTerminal) {
      io.out(`Python ${version} (main, ${ctx.persona.os.id === 'ubuntu' ? 'Feb  4 2025, 14:48:35' : 'Nov 30 2024, 18:02:19'}) [GCC 12.2.0] on linux\nType "help", "copyright", "credits" or "license" for more information.\n>>> \n`);
    }
    return 0;
  },
} satisfies ShellCommand;
