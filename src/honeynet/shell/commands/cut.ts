import type { ShellCommand } from '../command.js';
import { readInputs } from './lib/inputs.js';
import { parseOptions, usageError } from './lib/options.js';

/** `1,3-5,7-` → a predicate on 1-based positions. */
function parseList(list: string): ((n: number) => boolean) | undefined {
  const ranges: Array<[number, number]> = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '')) return undefined;
    const from = m[1] === '' ? 1 : Number(m[1]);
    const to = m[2] === '' ? from : m[3] === '' ? Infinity : Number(m[3]);
    if (from < 1) return undefined;
    ranges.push([from, to]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

/** `cut -d DELIM -f LIST | -c LIST [FILE]...` */
export const cut = {
  name: 'cut',
  paths: ['/usr/bin/cut'],
  run(args, io, ctx) {
    const opts = parseOptions(args, { flags: 's', values: 'dfcb', long: { 'delimiter=': 'd', 'fields=': 'f', 'characters=': 'c', 'bytes=': 'b', 'only-delimited': 's' } });
    if (!opts.ok) {
      usageError(io.err, 'cut', opts.error);
      return 1;
    }
    const fields = opts.values.get('f');
    const chars = opts.values.get('c') ?? opts.values.get('b');
    if ((fields === undefined) === (chars === undefined)) {
      usageError(io.err, 'cut', fields === undefined ? 'you must specify a list of bytes, characters, or fields' : 'only one type of list may be specified');
      return 1;
    }
    const pick = parseList((fields ?? chars)!);
    if (!pick) {
      usageError(io.err, 'cut', `invalid field value '${fields ?? chars}'`);
      return 1;
    }
    const delim = opts.values.get('d') ?? '\t';
    if (delim.length !== 1) {
      usageError(io.err, 'cut', 'the delimiter must be a single character');
      return 1;
    }
    const { inputs, failed } = readInputs(opts.operands, io, ctx, 'cut');
    let out = '';
    for (const input of inputs) {
      const lines = input.text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const line of lines) {
        if (chars !== undefined) {
          out += `${[...line].filter((_, i) => pick(i + 1)).join('')}\n`;
        } else if (!line.includes(delim)) {
          if (!opts.flags.has('s')) out += `${line}\n`;
        } else out += `${line.split(delim).filter((_, i) => pick(i + 1)).join(delim)}\n`;
      }
    }
    io.out(out);
    return failed ? 1 : 0;
  },
} satisfies ShellCommand;
