import type { CommandContext, CommandIo, ShellCommand } from '../command.js';
import { errorText } from '../fs/fs-error.js';
import { joinPath } from '../fs/path.js';
import { parseOptions } from './lib/options.js';

const MAX_FILES = 2_000;

/** Converts a POSIX basic/extended regex to a JavaScript one (the common subset). */
function toRegExp(pattern: string, extended: boolean, fixed: boolean, ignoreCase: boolean, word: boolean, line: boolean): RegExp {
  let src: string;
  if (fixed) src = pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  else if (extended) src = pattern;
  else {
    // BRE: \( \) \{ \} \| are special, bare ( ) { } | + ? are literal
    src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && i + 1 < pattern.length) {
        const n = pattern[++i]!;
        src += '(){}|+?'.includes(n) ? n : `\\${n}`;
      } else if ('(){}|+?'.includes(c)) src += `\\${c}`;
      else src += c;
    }
  }
  src = src.replace(/\[\[:(alpha|digit|alnum|space|upper|lower|punct|xdigit):\]\]/g, (_, cls: string) => {
    const map: Record<string, string> = { alpha: '[A-Za-z]', digit: '[0-9]', alnum: '[A-Za-z0-9]', space: '\\s', upper: '[A-Z]', lower: '[a-z]', punct: '[!-/:-@[-`{-~]', xdigit: '[0-9A-Fa-f]' };
    return map[cls]!;
  });
  if (word) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
  if (line) src = `^(?:${src})$`;
  return new RegExp(src, ignoreCase ? 'i' : '');
}

/** `grep [-iEFvcnlLhHoqrwx] [-e PATTERN] PATTERN [FILE]...`; also `egrep`/`fgrep`. */
export const grep = {
  name: 'grep',
  aliases: ['egrep', 'fgrep'],
  paths: ['/usr/bin/grep', '/usr/bin/egrep', '/usr/bin/fgrep'],
  run(args, io, ctx) {
    const opts = parseOptions(args, {
      flags: 'iEFvcnlLhHoqrRswxaI',
      values: 'emABC',
      long: { 'ignore-case': 'i', 'extended-regexp': 'E', 'fixed-strings': 'F', 'invert-match': 'v', count: 'c', 'line-number': 'n', 'files-with-matches': 'l', quiet: 'q', silent: 'q', recursive: 'r', 'word-regexp': 'w', 'line-regexp': 'x', 'color=': 'color', colour: 'color', 'color': 'colorflag', 'regexp=': 'e', 'max-count=': 'm', 'no-messages': 's', 'include=': 'include', 'exclude=': 'exclude' },
    });
    if (!opts.ok) {
      io.err(`grep: ${opts.error}\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
      return 2;
    }
    const f = opts.flags;
    const operands = [...opts.operands];
    const pattern = opts.values.get('e') ?? operands.shift();
    if (pattern === undefined) {
      io.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
      return 2;
    }
    let re: RegExp;
    try {
      re = toRegExp(pattern, f.has('E') || ctx.invokedAs.endsWith('egrep'), f.has('F') || ctx.invokedAs.endsWith('fgrep'), f.has('i'), f.has('w'), f.has('x'));
    } catch {
      io.err('grep: Unmatched ( or \\(\n');
      return 2;
    }
    const recursive = f.has('r') || f.has('R');
    const files = collect(operands.length > 0 ? operands : recursive ? ['.'] : ['-'], recursive, io, ctx, f.has('s'));
    const showNames = !f.has('h') && (f.has('H') || files.inputs.length > 1 || recursive);
    const max = opts.values.has('m') ? Number(opts.values.get('m')) : Infinity;
    let matchedAny = false;
    for (const input of files.inputs) {
      if (input.text.includes('\0') && !f.has('a')) {
        const hit = input.text.split('\n').some((l) => re.test(l) !== f.has('v'));
        if (hit) {
          matchedAny = true;
          if (!f.has('q')) io.out(f.has('l') ? `${input.name}\n` : f.has('c') ? `${showNames ? `${input.name}:` : ''}1\n` : `grep: ${input.name}: binary file matches\n`);
        }
        continue;
      }
      const lines = input.text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      let count = 0;
      let out = '';
      for (let i = 0; i < lines.length && count < max; i++) {
        const line = lines[i]!;
        if (re.test(line) === f.has('v')) continue;
        count++;
        if (f.has('q') || f.has('l') || f.has('L') || f.has('c')) continue;
        const prefix = `${showNames ? `${input.name === '-' ? '(standard input)' : input.name}:` : ''}${f.has('n') ? `${i + 1}:` : ''}`;
        if (f.has('o') && !f.has('v')) {
          const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
          for (const m of line.matchAll(global)) if (m[0] !== '') out += `${prefix}${m[0]}\n`;
        } else out += `${prefix}${line}\n`;
      }
      if (count > 0) matchedAny = true;
      if (f.has('q')) {
        if (matchedAny) return 0;
        continue;
      }
      if (f.has('c')) out = `${showNames ? `${input.name === '-' ? '(standard input)' : input.name}:` : ''}${count}\n`;
      else if (f.has('l')) out = count > 0 ? `${input.name === '-' ? '(standard input)' : input.name}\n` : '';
      else if (f.has('L')) out = count === 0 ? `${input.name}\n` : '';
      io.out(out);
    }
    if (files.failed && !f.has('q')) return 2;
    return matchedAny ? 0 : 1;
  },
} satisfies ShellCommand;

function collect(operands: string[], recursive: boolean, io: CommandIo, ctx: CommandContext, silent: boolean) {
  const inputs: Array<{ name: string; text: string }> = [];
  let failed = false;
  const visit = (name: string, path: string, depth: number): void => {
    if (inputs.length >= MAX_FILES) return;
    try {
      const node = ctx.fs.stat(path);
      if (node.kind === 'dir') {
        if (!recursive) {
          if (!silent) io.err(`grep: ${name}: Is a directory\n`);
          return;
        }
        if (depth > 32) return;
        for (const [child] of ctx.fs.readdir(path).sort(([a], [b]) => (a < b ? -1 : 1))) {
          const childNode = ctx.fs.lstat(joinPath(path, child));
          if (childNode.kind === 'link') continue;
          visit(name.endsWith('/') ? name + child : `${name}/${child}`, joinPath(path, child), depth + 1);
        }
        return;
      }
      inputs.push({ name, text: ctx.fs.readFile(path) });
    } catch (err) {
      failed = true;
      if (!silent) io.err(`grep: ${name}: ${errorText(err)}\n`);
    }
  };
  for (const op of operands) {
    if (op === '-') inputs.push({ name: '-', text: io.stdin });
    else visit(op, ctx.resolve(op), 0);
  }
  return { inputs, failed };
}
