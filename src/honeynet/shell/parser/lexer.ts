import type { RedirectOp, Word, WordPart } from './ast.js';
import { IncompleteInput, ParserLimitError } from './syntax-error.js';

/** A token of shell input. Newlines are kept: they separate commands and end here-documents. */
export type Token =
  | { type: 'word'; word: Word }
  | { type: 'op'; op: string }
  | { type: 'redir'; op: RedirectOp; fd: number | undefined; heredoc?: { body: string; expand: boolean } };

const OPERATOR_CHARS = new Set([';', '&', '|', '<', '>', '(', ')']);
const BLANKS = new Set([' ', '\t', '\r']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAMS = new Set(['?', '$', '#', '!', '@', '*', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
const MAX_TOKENS = 4096;

/** Index just past the `)` matching the `(` at `open`, skipping quoted text; throws if the input ends first. */
export function matchingParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === '"') {
      i = skipDoubleQuoted(src, i + 1);
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new IncompleteInput("matching `)'");
}

function skipDoubleQuoted(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"') return i;
  }
  throw new IncompleteInput('matching `"\'');
}

/** Reads shell words and operators from one input (which may hold several lines). */
class Lexer {
  private i = 0;
  private readonly tokens: Token[] = [];
  private readonly pendingHeredocs: Array<{ token: Extract<Token, { type: 'redir' }>; delimiter: string; strip: boolean; expand: boolean }> = [];

  constructor(private readonly src: string) {}

  run(): Token[] {
    const src = this.src;
    while (this.i < src.length) {
      if (this.tokens.length > MAX_TOKENS) throw new ParserLimitError('too many tokens');
      const c = src[this.i]!;
      if (BLANKS.has(c)) {
        this.i++;
      } else if (c === '\n') {
        this.tokens.push({ type: 'op', op: '\n' });
        this.i++;
        this.readHeredocBodies();
      } else if (c === '#') {
        while (this.i < src.length && src[this.i] !== '\n') this.i++;
      } else if (c === '\\' && src[this.i + 1] === '\n') {
        this.i += 2;
      } else if (OPERATOR_CHARS.has(c)) {
        this.readOperator(undefined);
      } else {
        const start = this.i;
        const parts = this.readWord();
        const raw = src.slice(start, this.i);
        const next = src[this.i];
        if ((next === '<' || next === '>') && /^\d+$/.test(raw)) {
          this.readOperator(Number(raw));
        } else {
          this.tokens.push({ type: 'word', word: { parts, raw } });
        }
      }
    }
    if (this.pendingHeredocs.length > 0) throw new IncompleteInput('here-document delimiter');
    return this.tokens;
  }

  private readOperator(fd: number | undefined): void {
    const src = this.src;
    const three = src.slice(this.i, this.i + 3);
    const two = src.slice(this.i, this.i + 2);
    const c = src[this.i]!;
    if (three === '<<<' || three === '&>>' || three === '<<-') {
      this.i += 3;
      if (three === '<<-') this.heredoc(fd, true);
      else this.tokens.push({ type: 'redir', op: three as RedirectOp, fd });
      return;
    }
    if (['>>', '>&', '<&', '&>', '>|'].includes(two)) {
      this.i += 2;
      this.tokens.push({ type: 'redir', op: two as RedirectOp, fd });
      return;
    }
    if (two === '<<') {
      this.i += 2;
      this.heredoc(fd, false);
      return;
    }
    if (['&&', '||', ';;', '|&'].includes(two)) {
      this.i += 2;
      this.tokens.push({ type: 'op', op: two });
      return;
    }
    this.i++;
    if (c === '<' || c === '>') this.tokens.push({ type: 'redir', op: c, fd });
    else this.tokens.push({ type: 'op', op: c });
  }

  private heredoc(fd: number | undefined, strip: boolean): void {
    while (BLANKS.has(this.src[this.i] ?? '')) this.i++;
    const start = this.i;
    const parts = this.readWord();
    const raw = this.src.slice(start, this.i);
    if (raw === '') {
      this.tokens.push({ type: 'redir', op: '<<', fd });
      return;
    }
    const delimiter = parts.map((p) => (p.type === 'lit' ? p.value : '')).join('');
    const token: Extract<Token, { type: 'redir' }> = { type: 'redir', op: '<<', fd };
    this.tokens.push(token);
    this.tokens.push({ type: 'word', word: { parts: [{ type: 'lit', value: delimiter, quoted: true }], raw } });
    this.pendingHeredocs.push({ token, delimiter, strip, expand: !parts.some((p) => p.quoted) });
  }

  /** After a newline: the bodies of the here-documents opened on the line just ended. */
  private readHeredocBodies(): void {
    while (this.pendingHeredocs.length > 0) {
      const doc = this.pendingHeredocs.shift()!;
      const lines: string[] = [];
      for (;;) {
        if (this.i >= this.src.length) throw new IncompleteInput('here-document delimiter');
        const eol = this.src.indexOf('\n', this.i);
        const end = eol < 0 ? this.src.length : eol;
        let line = this.src.slice(this.i, end).replace(/\r$/, '');
        this.i = eol < 0 ? this.src.length : eol + 1;
        if (doc.strip) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) break;
        if (eol < 0) throw new IncompleteInput('here-document delimiter');
        lines.push(line);
      }
      doc.token.heredoc = { body: lines.length > 0 ? `${lines.join('\n')}\n` : '', expand: doc.expand };
    }
  }

  /** One word: unquoted text, quotes, escapes and expansions up to a blank or an operator. */
  private readWord(): WordPart[] {
    const src = this.src;
    const parts: WordPart[] = [];
    const lit = (value: string, quoted: boolean): void => {
      const last = parts[parts.length - 1];
      if (last?.type === 'lit' && last.quoted === quoted) last.value += value;
      else parts.push({ type: 'lit', value, quoted });
    };
    while (this.i < src.length) {
      const c = src[this.i]!;
      if (BLANKS.has(c) || c === '\n' || OPERATOR_CHARS.has(c)) break;
      if (c === '\\') {
        if (this.i + 1 >= src.length) throw new IncompleteInput('escaped character');
        if (src[this.i + 1] !== '\n') lit(src[this.i + 1]!, true);
        this.i += 2;
      } else if (c === "'") {
        const end = src.indexOf("'", this.i + 1);
        if (end < 0) throw new IncompleteInput("matching `''");
        lit(src.slice(this.i + 1, end), true);
        this.i = end + 1;
      } else if (c === '"') {
        this.i++;
        this.readDoubleQuoted(parts, lit);
      } else if (c === '$') {
        this.readDollar(parts, lit, false);
      } else if (c === '`') {
        parts.push({ type: 'sub', source: this.readBackticks(), quoted: false });
      } else {
        lit(c, false);
        this.i++;
      }
    }
    return parts;
  }

  private readDoubleQuoted(parts: WordPart[], lit: (v: string, q: boolean) => void): void {
    const src = this.src;
    lit('', true);
    for (;;) {
      if (this.i >= src.length) throw new IncompleteInput('matching `"\'');
      const c = src[this.i]!;
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        const n = src[this.i + 1];
        if (n === undefined) throw new IncompleteInput('matching `"\'');
        if (n === '\n') {
          this.i += 2;
        } else if ('$`"\\'.includes(n)) {
          lit(n, true);
          this.i += 2;
        } else {
          lit('\\', true);
          this.i++;
        }
      } else if (c === '$') {
        this.readDollar(parts, lit, true);
      } else if (c === '`') {
        parts.push({ type: 'sub', source: this.readBackticks(), quoted: true });
      } else {
        lit(c, true);
        this.i++;
      }
    }
  }

  private readDollar(parts: WordPart[], lit: (v: string, q: boolean) => void, quoted: boolean): void {
    const src = this.src;
    const n = src[this.i + 1];
    if (n === '(' && src[this.i + 2] === '(') {
      const end = matchingParen(src, this.i + 1);
      parts.push({ type: 'arith', source: src.slice(this.i + 3, end - 2), quoted });
      this.i = end;
    } else if (n === '(') {
      const end = matchingParen(src, this.i + 1);
      parts.push({ type: 'sub', source: src.slice(this.i + 2, end - 1), quoted });
      this.i = end;
    } else if (n === '{') {
      const end = src.indexOf('}', this.i + 2);
      if (end < 0) throw new IncompleteInput("matching `}'");
      parts.push(parseBraced(src.slice(this.i + 2, end), quoted));
      this.i = end + 1;
    } else if (n !== undefined && NAME_START.test(n)) {
      let j = this.i + 1;
      while (j < src.length && NAME_CHAR.test(src[j]!)) j++;
      parts.push({ type: 'var', name: src.slice(this.i + 1, j), quoted });
      this.i = j;
    } else if (n !== undefined && SPECIAL_PARAMS.has(n)) {
      parts.push({ type: 'var', name: n, quoted });
      this.i += 2;
    } else if (n === "'" && !quoted) {
      // $'...' (ANSI-C quoting): the common escapes
      const end = src.indexOf("'", this.i + 2);
      if (end < 0) throw new IncompleteInput("matching `''");
      lit(ansiC(src.slice(this.i + 2, end)), true);
      this.i = end + 1;
    } else {
      lit('$', quoted);
      this.i++;
    }
  }

  private readBackticks(): string {
    const src = this.src;
    let out = '';
    for (let j = this.i + 1; j < src.length; j++) {
      const c = src[j]!;
      if (c === '\\' && j + 1 < src.length && '`$\\'.includes(src[j + 1]!)) {
        out += src[j + 1];
        j++;
      } else if (c === '`') {
        this.i = j + 1;
        return out;
      } else {
        out += c;
      }
    }
    throw new IncompleteInput('matching ``\'');
  }
}

/** `${name}`, `${name:-default}`, `${#name}`; anything else becomes a var part that fails as a bad substitution. */
function parseBraced(inner: string, quoted: boolean): WordPart {
  if (inner.startsWith('#') && inner.length > 1) return { type: 'var', name: inner.slice(1), quoted, length: true };
  const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-])(?:(:?[-=+?])([\s\S]*))?$/.exec(inner);
  if (!m) return { type: 'var', name: inner, quoted, modifier: 'bad' };
  const part: WordPart = { type: 'var', name: m[1]!, quoted };
  if (m[2] !== undefined) {
    part.modifier = m[2];
    part.arg = m[3] ?? '';
  }
  return part;
}

function ansiC(text: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', e: '\x1b', '0': '\0' };
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, esc: string) => {
    if (esc[0] === 'x') return String.fromCharCode(parseInt(esc.slice(1), 16));
    if (/^[0-7]+$/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 255);
    return map[esc] ?? `\\${esc}`;
  });
}

export function lex(src: string): Token[] {
  return new Lexer(src).run();
}
