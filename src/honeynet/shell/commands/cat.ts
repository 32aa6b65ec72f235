import type { ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { parseOptions, usageError } from './lib/options.js';

/** `cat [-n] [-b] [-A/-v/-E] [FILE|-]...` */
export const cat = {
  name: 'cat',
  paths: ['/usr/bin/cat'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 'nbAEvsTeu', long: { number: 'n', 'number-nonblank': 'b', 'show-all': 'A', 'show-ends': 'E', help: 'help' } });
    if (!opts.ok) {
      usageError(io.err, 'cat', opts.error);
      return 1;
    }
    let status = 0;
    let lineNo = 0;
    for (const op of opts.operands.length > 0 ? opts.operands : ['-']) {
      let text: string;
      if (op === '-') text = io.stdin;
      else {
        try {
          const path = ctx.resolve(op);
          if (ctx.fs.stat(path).kind === 'dir') {
            io.err(`cat: ${op}: Is a directory\n`);
            status = 1;
            continue;
          }
          text = ctx.fs.readFile(path);
        } catch (err) {
          io.err(`cat: ${op}: ${errorText(err)}\n`);
          status = 1;
          continue;
        }
      }
      const f = opts.flags;
      if (f.has('n') || f.has('b') || f.has('E') || f.has('A') || f.has('e')) {
        const ends = f.has('E') || f.has('A') || f.has('e');
        const parts = text.split('\n');
        const last = parts.pop();
        const lines = parts.map((l) => {
          const numbered = f.has('b') ? l !== '' : f.has('n');
          return `${numbered ? `${String(++lineNo).padStart(6)}\t` : ''}${l}${ends ? '$' : ''}\n`;
        });
        if (last) lines.push(`${f.has('n') || f.has('b') ? `${String(++lineNo).padStart(6)}\t` : ''}${last}`);
        text = lines.join('');
      }
      io.out(text);
    }
    return status;
  },
} satisfies ShellCommand;
