/** GNU-style option parsing: bundled short flags (`-la`), values (`-n 3`, `-n3`, `--lines=3`), `--`, permutation. */
export interface OptionSpec {
  /** Short flags without a value, e.g. `laRh1`. */
  flags?: string;
  /** Short options that take a value, e.g. `n`. */
  values?: string;
  /** Long option → the short letter it means (or its own name); a trailing `=` marks one that takes a value. */
  long?: Record<string, string>;
  /** Stop at the first operand (POSIX mode, for `sudo`, `env`, `sh -c`). */
  stopAtOperand?: boolean;
}

export interface ParsedOptions {
  flags: Set<string>;
  values: Map<string, string>;
  operands: string[];
}

export type ParseResult = ({ ok: true } & ParsedOptions) | { ok: false; error: string };

export function parseOptions(args: readonly string[], spec: OptionSpec): ParseResult {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  const shortFlags = spec.flags ?? '';
  const shortValues = spec.values ?? '';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const matches = Object.keys(spec.long ?? {}).filter((k) => k.replace(/=$/, '') === name || k.replace(/=$/, '').startsWith(name));
      const exact = matches.find((k) => k.replace(/=$/, '') === name);
      const key = exact ?? (matches.length === 1 ? matches[0] : undefined);
      if (!key) return { ok: false, error: matches.length > 1 ? `option '${arg}' is ambiguous` : `unrecognized option '${arg}'` };
      const target = spec.long![key]!;
      if (key.endsWith('=')) {
        let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
        if (value === undefined) value = args[++i];
        if (value === undefined) return { ok: false, error: `option '--${key.slice(0, -1)}' requires an argument` };
        values.set(target, value);
      } else {
        if (eq >= 0) return { ok: false, error: `option '--${key}' doesn't allow an argument` };
        flags.add(target);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        if (shortValues.includes(c)) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
          if (value === undefined) return { ok: false, error: `option requires an argument -- '${c}'` };
          values.set(c, value);
          break;
        }
        if (!shortFlags.includes(c)) return { ok: false, error: `invalid option -- '${c}'` };
        flags.add(c);
      }
      continue;
    }
    operands.push(arg);
    if (spec.stopAtOperand) {
      operands.push(...args.slice(i + 1));
      break;
    }
  }
  return { ok: true, flags, values, operands };
}

/** The GNU usage error: `ls: invalid option -- 'z'` / `Try 'ls --help' for more information.` */
export function usageError(err: (t: string) => void, name: string, error: string): void {
  err(`${name}: ${error}\nTry '${name} --help' for more information.\n`);
}
