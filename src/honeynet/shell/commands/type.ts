import type { ShellCommand } from '../command.js';

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', '{', '}', '!', '[[', ']]']);

/** `type [-t|-p|-a] name...` */
export const type = {
  name: 'type',
  paths: [],
  builtin: true,
  run(args, io, ctx) {
    const terse = args.includes('-t');
    const pathOnly = args.includes('-p') || args.includes('-P');
    let status = 0;
    for (const name of args.filter((a) => !a.startsWith('-'))) {
      const alias = ctx.state.aliases.get(name);
      if (alias !== undefined && !pathOnly) {
        io.out(terse ? 'alias\n' : `${name} is aliased to \`${alias}'\n`);
        continue;
      }
      if (KEYWORDS.has(name) && !pathOnly) {
        io.out(terse ? 'keyword\n' : `${name} is a shell keyword\n`);
        continue;
      }
      const found = ctx.which(name);
      if (found?.kind === 'builtin' && !pathOnly) io.out(terse ? 'builtin\n' : `${name} is a shell builtin\n`);
      else if (found?.kind === 'file') io.out(terse ? 'file\n' : pathOnly ? `${found.path}\n` : `${name} is ${found.path}\n`);
      else {
        if (!terse && !pathOnly) io.err(`bash: type: ${name}: not found\n`);
        status = 1;
      }
    }
    return status;
  },
} satisfies ShellCommand;
