import type { ShellCommand } from '../command.js';

/** Backslash escapes of `echo -e` and `printf %b`; returns the text and whether `\c` stopped output. */
export function interpretEscapes(text: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i]!;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', E: '\x1b', '\\': '\\' };
    if (n in simple) out += simple[n];
    else if (n === 'c') return { text: out, stop: true };
    else if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m || '0', 8) & 255);
      i += m.length;
    } else if (n === 'x') {
      const m = /^[0-9a-fA-F]{0,2}/.exec(text.slice(i + 1))![0];
      if (m === '') out += '\\x';
      else out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

/** `echo [-neE] args`: bash builtin semantics (options only as leading clusters of n, e, E). */
export const echo = {
  name: 'echo',
  paths: ['/usr/bin/echo'],
  builtin: true,
  run(args, io) {
    let newline = true;
    let escapes = false;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (!/^-[neE]+$/.test(a)) break;
      for (const c of a.slice(1)) {
        if (c === 'n') newline = false;
        else if (c === 'e') escapes = true;
        else escapes = false;
      }
    }
    let text = args.slice(i).join(' ');
    if (escapes) {
      const r = interpretEscapes(text);
      text = r.text;
      if (r.stop) {
        io.out(text);
        return 0;
      }
    }
    io.out(newline ? `${text}\n` : text);
    return 0;
  },
} satisfies ShellCommand;
