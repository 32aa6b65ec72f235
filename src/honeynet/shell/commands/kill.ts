import type { ShellCommand } from '../command.js';

const SIGNALS = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM'];

/** `kill [-s SIG|-SIG] pid...`, `kill -l`: only the attacker's own processes can be signalled, and nothing dies. */
export const kill = {
  name: 'kill',
  paths: ['/usr/bin/kill'],
  builtin: true,
  run(args, io, ctx) {
    if (args.length === 0) {
      io.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
      return 2;
    }
    if (args[0] === '-l' || args[0] === '-L') {
      io.out(`${SIGNALS.map((s, i) => `${String(i + 1).padStart(2)}) SIG${s}`).join('\t')}\n`);
      return 0;
    }
    let i = 0;
    if (args[0] === '-s' || args[0] === '-n') i = 2;
    else if (args[0]!.startsWith('-') && !/^-\d+$/.test(args[1] ?? 'x')) i = 1;
    else if (args[0]!.startsWith('-')) i = 1;
    const procs = ctx.processes();
    let status = 0;
    for (const target of args.slice(i)) {
      if (!/^-?\d+$/.test(target)) {
        io.err(`bash: kill: ${target}: arguments must be process or job IDs\n`);
        status = 1;
        continue;
      }
      const proc = procs.find((p) => p.pid === Number(target));
      if (!proc) {
        io.err(`bash: kill: (${target}) - No such process\n`);
        status = 1;
      } else if (ctx.state.user.uid !== 0 && proc.uid !== ctx.state.user.uid) {
        io.err(`bash: kill: (${target}) - Operation not permitted\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
