import type { ShellCommand } from '../command.js';
import { identityOf } from '../interpreter/interpreter.js';

/** `exit [n]` / `logout`: leaves a nested shell (`su`, `sh`) or ends the session (bash prints `logout`). */
export const exit = {
  name: 'exit',
  aliases: ['logout'],
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    const state = ctx.state;
    let status = state.lastStatus;
    if (args[0] !== undefined) {
      if (!/^-?\d+$/.test(args[0])) {
        io.err(`bash: ${ctx.invokedAs}: ${args[0]}: numeric argument required\n`);
        status = 2;
      } else status = ((Number(args[0]) % 256) + 256) % 256;
    }
    const nested = state.nested.pop();
    if (nested) {
      const leaving = state.scriptName;
      state.user = nested.user;
      state.cwd = nested.cwd;
      if (nested.scriptName !== undefined) state.scriptName = nested.scriptName;
      ctx.fs.identity = identityOf(nested.user, ctx.machine);
      io.out(leaving === 'sh' ? '' : 'exit\n'); // bash says `exit` when it leaves; dash says nothing
      return status;
    }
    io.out(ctx.invokedAs === 'logout' || ctx.state.scriptName === '-bash' ? 'logout\n' : '');
    state.exitRequested = true;
    return status;
  },
} satisfies ShellCommand;
