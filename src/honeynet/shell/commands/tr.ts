import type { ShellCommand } from '../command.js';
import { parseOptions, usageError } from './lib/options.js';

const CLASSES: Record<string, string> = {
  '[:lower:]': 'abcdefghijklmnopqrstuvwxyz',
  '[:upper:]': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '[:digit:]': '0123456789',
  '[:space:]': ' \t\n\r\v\f',
  '[:blank:]': ' \t',
  '[:alpha:]': 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '[:alnum:]': 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '[:punct:]': '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** Expands a `tr` set: classes, ranges (`a-z`) and escapes (`\n`). */
function expandSet(set: string): string {
  let s = set;
  for (const [k, v] of Object.entries(CLASSES)) s = s.split(k).join(v);
  s = s.replace(/\\(n|t|r|\\|[0-7]{1,3})/g, (_, e: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[e] ?? String.fromCharCode(parseInt(e, 8)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i + 1] === '-' && i + 2 < s.length) {
      const a = s.charCodeAt(i);
      const b = s.charCodeAt(i + 2);
      for (let c = a; c <= b && out.length < 4096; c++) out += String.fromCharCode(c);
      i += 2;
    } else out += s[i];
  }
  return out;
}

/** `tr [-d] [-s] [-c] SET1 [SET2]` */
export const tr = {
  name: 'tr',
  paths: ['/usr/bin/tr'],
  run(args, io) {
    const opts = parseOptions(args, { flags: 'dscC', long: { delete: 'd', 'squeeze-repeats': 's', complement: 'c' } });
    if (!opts.ok) {
      usageError(io.err, 'tr', opts.error);
      return 1;
    }
    const [a, b] = opts.operands;
    const f = opts.flags;
    if (a === undefined || (!f.has('d') && !f.has('s') && b === undefined)) {
      io.err(`tr: missing operand${a === undefined ? '' : ` after '${a}'`}\nTry 'tr --help' for more information.\n`);
      return 1;
    }
    const set1 = expandSet(a);
    const set2 = b === undefined ? '' : expandSet(b);
    const inSet1 = (c: string): boolean => set1.includes(c) !== (f.has('c') || f.has('C'));
    let out = '';
    let prev = '';
    for (const c of io.stdin) {
      let ch: string | undefined = c;
      if (f.has('d')) {
        if (inSet1(c)) continue;
      } else if (set2 !== '' && set1.includes(c)) {
        const idx = set1.indexOf(c);
        ch = set2[Math.min(idx, set2.length - 1)];
      }
      if (f.has('s') && ch === prev && (set2 || set1).includes(ch!)) continue;
      out += ch;
      prev = ch!;
    }
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
