import type { ShellCommand } from '../command.js';

/** `history [N]`, `history -c`: numbered like bash (`  12  ls -la`). */
export const history = {
  name: 'history',
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    const entries = ctx.state.history;
    if (args[0] === '-c') {
      entries.length = 0;
      return 0;
    }
    if (args[0] === '-w' || args[0] === '-a' || args[0] === '-r') return 0;
    let from = 0;
    if (args[0] !== undefined) {
      if (!/^\d+$/.test(args[0])) {
        io.err(`bash: history: ${args[0]}: numeric argument required\n`);
        return 1;
      }
      from = Math.max(0, entries.length - Number(args[0]));
    }
    const lines: string[] = [];
    for (let i = from; i < entries.length; i++) lines.push(`${String(i + 1).padStart(5)}  ${entries[i]}\n`);
    io.out(lines.join(''));
    return 0;
  },
} satisfies ShellCommand;
