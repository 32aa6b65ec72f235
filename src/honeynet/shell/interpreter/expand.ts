import type { SessionFs } from '../fs/session-fs.js';
import { normalizePath } from '../fs/path.js';
import type { Word, WordPart } from '../parser/ast.js';
import { lex } from '../parser/lexer.js';
import type { ShellState } from '../shell-state.js';
import { ArithmeticError, evaluateArithmetic } from './arithmetic.js';

/** An expansion failed (`bad substitution`, `parameter null or not set`): bash prints it and skips the command. */
export class ExpansionError extends Error {}

/** What expansion needs from the interpreter. */
export interface ExpandDeps {
  state: ShellState;
  fs: SessionFs;
  shellPid: number;
  /** Runs `$(...)` source and returns its standard output. */
  substitute(source: string): string;
  homeOf(user: string): string | undefined;
}

/** A field being built: its characters, and which of them came from quotes (never globbed). */
interface Field {
  text: string;
  quotedMask: boolean[];
  hasQuoted: boolean;
}

const MAX_GLOB_RESULTS = 4096;
const MAX_GLOB_VISITS = 20_000;
const MAX_FIELD_CHARS = 1 << 20;

export class Expander {
  constructor(private readonly deps: ExpandDeps) {}

  /** Full expansion into argument fields: parameters, substitutions, splitting, tilde and globbing. */
  fields(word: Word): string[] {
    const fields = this.split(word);
    const out: string[] = [];
    for (const f of fields) {
      const globbed = this.glob(f);
      if (globbed) out.push(...globbed);
      else if (f.text !== '' || f.hasQuoted) out.push(f.text);
    }
    return out;
  }

  /** Expansion without splitting or globbing (assignments, redirect targets, here-strings). */
  single(word: Word): string {
    let text = '';
    word.parts.forEach((part, i) => {
      text += part.type === 'lit' ? (i === 0 && !part.quoted ? this.tilde(part.value) : part.value) : this.value(part);
    });
    return text;
  }

  /** Expands `$VAR`, `$(...)` in text as inside double quotes (here-documents, `${x:-default}` words). */
  quotedText(text: string): string {
    try {
      const tokens = lex(`"${text.replace(/(["\\])/g, (m) => (m === '"' ? '\\"' : '\\'))}"`);
      const first = tokens[0];
      return first?.type === 'word' ? this.single(first.word) : text;
    } catch {
      return text;
    }
  }

  private tilde(value: string): string {
    if (!value.startsWith('~')) return value;
    const slash = value.indexOf('/');
    const user = value.slice(1, slash < 0 ? undefined : slash);
    const home = user === '' ? (this.deps.state.get('HOME') ?? '/') : this.deps.homeOf(user);
    if (home === undefined) return value;
    return home + (slash < 0 ? '' : value.slice(slash));
  }

  private lookup(name: string): string | undefined {
    const s = this.deps.state;
    switch (name) {
      case '?':
        return String(s.lastStatus);
      case '$':
        return String(this.deps.shellPid);
      case '#':
        return String(s.positional.length);
      case '0':
        return s.scriptName;
      case '@':
      case '*':
        return s.positional.join(' ');
      case '-':
        return 'himBHs';
      case '!':
        return s.get('!') ?? '';
      case 'RANDOM':
        return String(Math.floor(Math.random() * 32768));
      case 'SECONDS':
        return s.get('SECONDS') ?? '0';
      default:
        if (/^[1-9]\d*$/.test(name)) return s.positional[Number(name) - 1];
        return s.get(name);
    }
  }

  private value(part: Exclude<WordPart, { type: 'lit' }>): string {
    if (part.type === 'sub') return this.deps.substitute(part.source).replace(/\n+$/, '');
    if (part.type === 'arith') {
      try {
        return String(evaluateArithmetic(this.quotedText(part.source), (n) => this.lookup(n)));
      } catch (err) {
        throw new ExpansionError(err instanceof ArithmeticError ? err.message : 'arithmetic error');
      }
    }
    if (part.modifier === 'bad') throw new ExpansionError(`\${${part.name}}: bad substitution`);
    const current = this.lookup(part.name);
    if (part.length) return String((current ?? '').length);
    if (!part.modifier) return current ?? '';
    const colon = part.modifier.startsWith(':');
    const missing = current === undefined || (colon && current === '');
    const op = part.modifier.slice(-1);
    const arg = (): string => this.quotedText(part.arg ?? '');
    if (op === '-') return missing ? arg() : current!;
    if (op === '=') {
      if (!missing) return current!;
      const v = arg();
      this.deps.state.set(part.name, v);
      return v;
    }
    if (op === '+') return missing ? '' : arg();
    if (missing) throw new ExpansionError(`${part.name}: ${part.arg ? arg() : 'parameter null or not set'}`);
    return current!;
  }

  private split(word: Word): Field[] {
    const fields: Field[] = [];
    let cur: Field = { text: '', quotedMask: [], hasQuoted: false };
    let started = false;
    const append = (text: string, quoted: boolean): void => {
      if (cur.text.length + text.length > MAX_FIELD_CHARS) throw new ExpansionError('argument too long');
      cur.text += text;
      for (let i = 0; i < text.length; i++) cur.quotedMask.push(quoted);
      if (quoted) cur.hasQuoted = true;
      started = true;
    };
    const boundary = (): void => {
      if (started) fields.push(cur);
      cur = { text: '', quotedMask: [], hasQuoted: false };
      started = false;
    };
    word.parts.forEach((part, i) => {
      if (part.type === 'lit') {
        append(i === 0 && !part.quoted ? this.tilde(part.value) : part.value, part.quoted);
        if (part.quoted) cur.hasQuoted = true;
        return;
      }
      const value = this.value(part);
      if (part.quoted) {
        append(value, true);
        cur.hasQuoted = true;
        return;
      }
      const pieces = value.split(/[ \t\n]+/);
      pieces.forEach((piece, j) => {
        if (j > 0) boundary();
        if (piece !== '') append(piece, false);
      });
    });
    boundary();
    return fields;
  }

  /** Pathname expansion of a field with unquoted `*`, `?` or `[`; undefined when nothing matches. */
  private glob(field: Field): string[] | undefined {
    let hasGlob = false;
    for (let i = 0; i < field.text.length; i++) {
      if (!field.quotedMask[i] && '*?['.includes(field.text[i]!)) hasGlob = true;
    }
    if (!hasGlob) return undefined;
    const absolute = field.text.startsWith('/');
    const components: Array<{ text: string; mask: boolean[] }> = [];
    let start = 0;
    for (let i = 0; i <= field.text.length; i++) {
      if (i === field.text.length || field.text[i] === '/') {
        if (i > start) components.push({ text: field.text.slice(start, i), mask: field.quotedMask.slice(start, i) });
        start = i + 1;
      }
    }
    const cwd = this.deps.state.cwd;
    let paths: string[] = [absolute ? '/' : ''];
    let visits = 0;
    for (const comp of components) {
      const regex = componentRegex(comp.text, comp.mask);
      const next: string[] = [];
      for (const base of paths) {
        if (!regex) {
          next.push(base === '' ? comp.text : base === '/' ? `/${comp.text}` : `${base}/${comp.text}`);
          continue;
        }
        const dir = base === '' ? cwd : normalizePath(base, cwd);
        const entries = this.deps.fs.tryReaddir(dir).map(([name]) => name).sort();
        for (const name of entries) {
          if (++visits > MAX_GLOB_VISITS) break;
          if (name.startsWith('.') && !comp.text.startsWith('.')) continue;
          if (regex.test(name)) next.push(base === '' ? name : base === '/' ? `/${name}` : `${base}/${name}`);
        }
      }
      paths = next.slice(0, MAX_GLOB_RESULTS);
      if (paths.length === 0) return undefined;
    }
    const existing = paths.filter((p) => this.deps.fs.exists(normalizePath(p, cwd)));
    return existing.length > 0 ? existing.sort() : undefined;
  }
}

/** A regex for one glob component, or undefined when it has no unquoted wildcard. */
function componentRegex(text: string, mask: boolean[]): RegExp | undefined {
  let src = '';
  let wild = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!mask[i] && c === '*') {
      src += '.*';
      wild = true;
    } else if (!mask[i] && c === '?') {
      src += '.';
      wild = true;
    } else if (!mask[i] && c === '[') {
      const end = text.indexOf(']', i + 2);
      if (end < 0) {
        src += '\\[';
        continue;
      }
      let cls = text.slice(i + 1, end);
      const negate = cls.startsWith('!') || cls.startsWith('^');
      if (negate) cls = cls.slice(1);
      src += `[${negate ? '^' : ''}${cls.replace(/[\\\]]/g, '\\$&')}]`;
      wild = true;
      i = end;
    } else {
      src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return wild ? new RegExp(`^${src}$`, 's') : undefined;
}
