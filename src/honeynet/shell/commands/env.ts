import type { ShellCommand } from '../command.js';

/** `env [-i] [NAME=VALUE]... [CMD...]` and `printenv [NAME]`. */
export const env = {
  name: 'env',
  aliases: ['printenv'],
  paths: ['/usr/bin/env', '/usr/bin/printenv'],
  run(args, io, ctx) {
    const vars = ctx.state.environment();
    if (ctx.invokedAs.endsWith('printenv')) {
      if (args.length === 0) {
        io.out(vars.map(([k, v]) => `${k}=${v}\n`).join(''));
        return 0;
      }
      let status = 0;
      for (const name of args) {
        const v = vars.find(([k]) => k === name);
        if (v) io.out(`${v[1]}\n`);
        else status = 1;
      }
      return status;
    }
    let i = 0;
    let clear = false;
    const extra: Array<[string, string]> = [];
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-i' || a === '-') clear = true;
      else if (a === '-u') i++;
      else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) extra.push([a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
      else if (a.startsWith('-') && a !== '--') {
        io.err(`env: invalid option -- '${a.slice(1, 2)}'\nTry 'env --help' for more information.\n`);
        return 125;
      } else break;
    }
    const argv = args.slice(i);
    if (argv.length === 0) {
      const base = clear ? [] : vars.filter(([k]) => !extra.some(([e]) => e === k));
      io.out([...base, ...extra].map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    }
    const saved = extra.map(([k]) => [k, ctx.state.vars.get(k)] as const);
    for (const [k, v] of extra) ctx.state.set(k, v, true);
    try {
      const status = ctx.runCommand(argv, io);
      return status === 127 ? 127 : status;
    } finally {
      for (const [k, v] of saved) {
        if (v) ctx.state.vars.set(k, v);
        else ctx.state.vars.delete(k);
      }
    }
  },
} satisfies ShellCommand;
