import type { ShellCommand } from '../command.js';
import { interpretEscapes } from './echo.js';

const MAX_ROUNDS = 1_000;

/** One conversion of `printf`: %s %d %i %u %x %X %o %c %b %f %e %g %%, with flags, width and precision. */
function convert(spec: string, conv: string, arg: string | undefined, err: (t: string) => void): string {
  const m = /^([-+ #0]*)(\d*)(?:\.(\d*))?$/.exec(spec) ?? ['', '', '', undefined];
  const flagStr = m[1] ?? '';
  const width = Number(m[2] || 0);
  const precision = m[3] === undefined ? undefined : Number(m[3] || 0);
  const left = flagStr.includes('-');
  const zero = flagStr.includes('0') && !left;
  const pad = (s: string, numeric: boolean): string => {
    if (s.length >= width) return s;
    if (left) return s.padEnd(width);
    if (zero && numeric) {
      const sign = /^[-+ ]/.test(s) ? s[0]! : '';
      return sign + s.slice(sign.length).padStart(width - sign.length, '0');
    }
    return s.padStart(width);
  };
  const num = (): number => {
    if (arg === undefined || arg === '') return 0;
    if (/^'./.test(arg) || /^"./.test(arg)) return arg.charCodeAt(1);
    const n = Number(arg.startsWith('0x') || arg.startsWith('0X') ? parseInt(arg, 16) : /^-?0\d+$/.test(arg) ? parseInt(arg, 8) : arg);
    if (Number.isNaN(n)) {
      err(`bash: printf: ${arg}: invalid number\n`);
      return 0;
    }
    return n;
  };
  switch (conv) {
    case 's': {
      const s = arg ?? '';
      return pad(precision === undefined ? s : s.slice(0, precision), false);
    }
    case 'b':
      return pad(interpretEscapes(arg ?? '').text, false);
    case 'c':
      return pad((arg ?? '').slice(0, 1), false);
    case 'd':
    case 'i': {
      const n = Math.trunc(num());
      const s = (n >= 0 && flagStr.includes('+') ? '+' : n >= 0 && flagStr.includes(' ') ? ' ' : '') + String(n);
      return pad(s, true);
    }
    case 'u':
      return pad(String(Math.abs(Math.trunc(num()))), true);
    case 'x':
    case 'X': {
      const s = (Math.trunc(num()) >>> 0).toString(16);
      return pad((flagStr.includes('#') ? '0x' : '') + (conv === 'X' ? s.toUpperCase() : s), true);
    }
    case 'o':
      return pad((Math.trunc(num()) >>> 0).toString(8), true);
    case 'f':
    case 'F':
      return pad(num().toFixed(precision ?? 6), true);
    case 'e':
    case 'E': {
      const s = num().toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return pad(conv === 'E' ? s.toUpperCase() : s, true);
    }
    case 'g':
    case 'G':
      return pad(String(Number(num().toPrecision(precision || 6))), true);
    default:
      return '';
  }
}

/** `printf FORMAT [ARGS]`: the format is reused until the arguments run out, like bash's builtin. */
export const printf = {
  name: 'printf',
  paths: ['/usr/bin/printf'],
  builtin: true,
  run(args, io) {
    const rest = args[0] === '--' ? args.slice(1) : args;
    if (rest[0] === '-v') {
      io.err('bash: printf: -v: option not supported here\n');
      return 2;
    }
    const format = rest[0];
    if (format === undefined) {
      io.err('printf: usage: printf [-v var] format [arguments]\n');
      return 2;
    }
    const params = rest.slice(1);
    let index = 0;
    let status = 0;
    const err = (t: string): void => {
      status = 1;
      io.err(t);
    };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let out = '';
      let consumed = false;
      let i = 0;
      while (i < format.length) {
        const c = format[i]!;
        if (c === '\\') {
          const esc = /^\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)?/.exec(format.slice(i))![0];
          out += /^\\[0-7]/.test(esc) ? String.fromCharCode(parseInt(esc.slice(1), 8) & 255) : interpretEscapes(esc).text;
          i += esc.length;
        } else if (c === '%') {
          const m = /^%([-+ #0]*\d*(?:\.\d*)?)([sbcdiuxXofFeEgG%])/.exec(format.slice(i));
          if (!m) {
            out += '%';
            i++;
            continue;
          }
          i += m[0].length;
          if (m[2] === '%') {
            out += '%';
            continue;
          }
          consumed = true;
          out += convert(m[1] ?? '', m[2]!, params[index++], err);
        } else {
          out += c;
          i++;
        }
      }
      io.out(out);
      if (!consumed || index >= params.length) break;
    }
    return status;
  },
} satisfies ShellCommand;
