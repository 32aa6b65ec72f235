import type { ShellCommand } from '../command.js';

/** bash 5.2's builtins in the order `enable` lists them (bots send `enable` first to learn what shell they hit). */
const BASH_BUILTINS = [
  '.', ':', '[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'command', 'compgen', 'complete',
  'compopt', 'continue', 'declare', 'dirs', 'disown', 'echo', 'enable', 'eval', 'exec', 'exit', 'export', 'false',
  'fc', 'fg', 'getopts', 'hash', 'help', 'history', 'jobs', 'kill', 'let', 'local', 'logout', 'mapfile', 'popd',
  'printf', 'pushd', 'pwd', 'read', 'readarray', 'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend',
  'test', 'times', 'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
];

/** `enable`: a bash builtin; with no arguments it lists the enabled builtins, in dash it does not exist. */
export const enable = {
  name: 'enable',
  aliases: [],
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    if (ctx.state.scriptName === 'sh' || ctx.state.scriptName === 'dash') {
      io.err(`${ctx.state.scriptName}: 1: enable: not found\n`);
      return 127;
    }
    const names = args.filter((a) => !a.startsWith('-'));
    if (names.length === 0) {
      io.out(BASH_BUILTINS.map((b) => `enable ${b}\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const n of names) {
      if (!BASH_BUILTINS.includes(n)) {
        io.err(`bash: enable: ${n}: not a shell builtin\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
