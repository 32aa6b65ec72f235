/** The input is not valid shell: bash prints `bash: syntax error near unexpected token `x'`. */
export class ShellSyntaxError extends Error {
  readonly token: string;

  constructor(token: string, message?: string) {
    super(message ?? `syntax error near unexpected token \`${token}'`);
    this.name = 'ShellSyntaxError';
    this.token = token;
  }
}

/** The input stops inside a quote, after `|`/`&&`, or before a here-document ends: bash asks for more (`> `). */
export class IncompleteInput extends Error {
  constructor(what: string) {
    super(`unexpected EOF while looking for ${what}`);
    this.name = 'IncompleteInput';
  }
}

/** The input exceeds a parser bound (nesting, tokens, pipeline length). */
export class ParserLimitError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'ParserLimitError';
  }
}
