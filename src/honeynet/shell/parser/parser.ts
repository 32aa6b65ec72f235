import type { AndOr, Assignment, Command, CommandList, Pipeline, Redirect, SimpleCommand, Word } from './ast.js';
import { lex, type Token } from './lexer.js';
import { IncompleteInput, ParserLimitError, ShellSyntaxError } from './syntax-error.js';

/** Bounds that keep hostile input cheap: nested subshells and pipeline length. */
export const PARSER_LIMITS = { maxDepth: 32, maxPipeline: 64 } as const;

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Alias expansions one parse may perform (bash stops recursive aliases the same way). */
const MAX_ALIAS_EXPANSIONS = 64;

class Parser {
  private pos = 0;
  private depth = 0;
  private aliasExpansions = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly aliases: ReadonlyMap<string, string>,
  ) {}

  /** Replaces an alias name in command position by the tokens of its value. */
  private expandAlias(): void {
    const t = this.peek();
    if (t?.type !== 'word' || this.aliases.size === 0) return;
    const first = t.word.parts[0];
    if (t.word.parts.length !== 1 || first?.type !== 'lit' || first.quoted) return;
    const value = this.aliases.get(first.value);
    if (value === undefined || ++this.aliasExpansions > MAX_ALIAS_EXPANSIONS) return;
    const replacement = lex(value).filter((tok) => !(tok.type === 'op' && tok.op === '\n'));
    this.tokens.splice(this.pos, 1, ...replacement);
    if (replacement[0]?.type === 'word' && replacement[0].word.raw !== first.value) this.expandAlias();
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t?.type === 'op' && t.op === op;
  }

  private skipNewlines(): void {
    while (this.isOp('\n')) this.pos++;
  }

  private unexpected(): ShellSyntaxError {
    const t = this.peek();
    if (!t) return new ShellSyntaxError('newline');
    if (t.type === 'op') return new ShellSyntaxError(t.op === '\n' ? 'newline' : t.op);
    if (t.type === 'redir') return new ShellSyntaxError(t.op);
    return new ShellSyntaxError(t.word.raw);
  }

  parseProgram(): CommandList {
    const list = this.parseList();
    if (this.pos < this.tokens.length) throw this.unexpected();
    return list;
  }

  private parseList(): CommandList {
    const items: CommandList['items'] = [];
    this.skipNewlines();
    while (this.pos < this.tokens.length && !this.isOp(')')) {
      const andOr = this.parseAndOr();
      const t = this.peek();
      let background = false;
      if (t?.type === 'op' && (t.op === ';' || t.op === '&' || t.op === '\n')) {
        background = t.op === '&';
        this.pos++;
      } else if (t !== undefined && !this.isOp(')')) {
        throw this.unexpected();
      }
      items.push({ andOr, background });
      this.skipNewlines();
    }
    return { items };
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t?.type !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.pos++;
      this.skipNewlines();
      if (this.pos >= this.tokens.length) throw new IncompleteInput('command after operator');
      rest.push({ op: t.op, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    const t = this.peek();
    if (t?.type === 'word' && t.word.raw === '!') {
      negate = true;
      this.pos++;
    }
    const commands = [this.parseCommand()];
    while (this.isOp('|') || this.isOp('|&')) {
      this.pos++;
      this.skipNewlines();
      if (this.pos >= this.tokens.length) throw new IncompleteInput('command after pipe');
      if (commands.length >= PARSER_LIMITS.maxPipeline) throw new ParserLimitError('pipeline too long');
      commands.push(this.parseCommand());
    }
    return { negate, commands };
  }

  private parseCommand(): Command {
    if (this.isOp('(')) {
      if (++this.depth > PARSER_LIMITS.maxDepth) throw new ParserLimitError('nesting too deep');
      this.pos++;
      const body = this.parseList();
      if (!this.isOp(')')) {
        if (this.pos >= this.tokens.length) throw new IncompleteInput("matching `)'");
        throw this.unexpected();
      }
      this.pos++;
      this.depth--;
      if (body.items.length === 0) throw new ShellSyntaxError(')');
      return { kind: 'subshell', body, redirects: this.parseRedirects() };
    }
    const cmd: SimpleCommand = { kind: 'simple', assigns: [], words: [], redirects: [] };
    this.expandAlias();
    for (;;) {
      const t = this.peek();
      if (!t || t.type === 'op') break;
      if (t.type === 'redir') {
        cmd.redirects.push(this.parseRedirect());
        continue;
      }
      this.pos++;
      const assignment = cmd.words.length === 0 ? asAssignment(t.word) : undefined;
      if (assignment) cmd.assigns.push(assignment);
      else cmd.words.push(t.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) throw this.unexpected();
    return cmd;
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = [];
    while (this.peek()?.type === 'redir') out.push(this.parseRedirect());
    return out;
  }

  private parseRedirect(): Redirect {
    const t = this.tokens[this.pos++] as Extract<Token, { type: 'redir' }>;
    const target = this.peek();
    if (target?.type !== 'word') throw this.unexpected();
    this.pos++;
    const redirect: Redirect = { fd: t.fd, op: t.op, target: target.word };
    if (t.heredoc) redirect.heredoc = t.heredoc;
    return redirect;
  }
}

/** `NAME=value` before the command name: an assignment (the value keeps its quoting). */
function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (first?.type !== 'lit' || first.quoted) return undefined;
  const m = ASSIGNMENT.exec(first.value);
  if (!m) return undefined;
  const rest = first.value.slice(m[0].length);
  const parts = [...(rest ? [{ ...first, value: rest }] : []), ...word.parts.slice(1)];
  return { name: m[1]!, value: { parts, raw: word.raw.slice(m[0].length) } };
}

/** Parses one input (possibly several lines). Throws ShellSyntaxError, IncompleteInput or ParserLimitError. */
export function parse(src: string, aliases: ReadonlyMap<string, string> = new Map()): CommandList {
  return new Parser(lex(src), aliases).parseProgram();
}
