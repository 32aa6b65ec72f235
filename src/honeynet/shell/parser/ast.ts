/** The syntax tree of one input line, as the shell parser produces it. */

/** A piece of a word. `quoted` pieces are neither field-split nor globbed. */
export type WordPart =
  | { type: 'lit'; value: string; quoted: boolean }
  | { type: 'var'; name: string; quoted: boolean; modifier?: string; arg?: string; length?: boolean }
  | { type: 'sub'; source: string; quoted: boolean }
  | { type: 'arith'; source: string; quoted: boolean };

export interface Word {
  parts: WordPart[];
  /** The source text, for messages (`bash: $x: ambiguous redirect`). */
  raw: string;
}

export type RedirectOp = '>' | '>>' | '<' | '>&' | '<&' | '&>' | '&>>' | '<<<' | '<<' | '>|';

export interface Redirect {
  /** The redirected descriptor (`2>`); undefined means the operator's default (0 for `<`, 1 for `>`). */
  fd: number | undefined;
  op: RedirectOp;
  target: Word;
  /** Here-document body (for `<<`), and whether variables expand in it (unquoted delimiter). */
  heredoc?: { body: string; expand: boolean };
}

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  kind: 'simple';
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
}

export interface Subshell {
  kind: 'subshell';
  body: CommandList;
  redirects: Redirect[];
}

export type Command = SimpleCommand | Subshell;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}

export interface CommandList {
  items: Array<{ andOr: AndOr; background: boolean }>;
}
