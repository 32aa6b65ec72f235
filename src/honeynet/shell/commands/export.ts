import type { ShellCommand } from '../command.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `export [-n] [NAME[=value]...]`; without names, `declare -x` lines like bash. */
export const exportCommand = {
  name: 'export',
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    const state = ctx.state;
    const unexport = args[0] === '-n';
    const names = args.filter((a) => a !== '-p' && a !== '-n' && a !== '-f');
    if (names.length === 0) {
      const lines = state
        .environment()
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `declare -x ${k}="${v.replace(/(["\\$`])/g, '\\$1')}"\n`);
      io.out(lines.join(''));
      return 0;
    }
    let status = 0;
    for (const arg of names) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!NAME.test(name)) {
        io.err(`bash: export: \`${arg}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (eq >= 0) state.set(name, arg.slice(eq + 1), !unexport);
      else if (state.vars.has(name)) state.vars.get(name)!.exported = !unexport;
      else if (!unexport) state.vars.set(name, { value: '', exported: true });
    }
    return status;
  },
} satisfies ShellCommand;
