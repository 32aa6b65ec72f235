/**
 * The one coded error catalogue. Every error a user can see has an `LNMT_ERR_*` code, an HTTP status (for the
 * API) and a message that says what to fix. Wrap lower-level failures with `cause` so context survives.
 */
export const ERROR_CATALOGUE = {
  LNMT_ERR_CONFIG: { status: 500, title: 'Invalid configuration' },
  LNMT_ERR_VALIDATION: { status: 400, title: 'Invalid input' },
  LNMT_ERR_TARGET: { status: 400, title: 'Invalid scan target' },
  LNMT_ERR_TARGET_TOO_LARGE: { status: 400, title: 'Scan range too large' },
  LNMT_ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  LNMT_ERR_CONFLICT: { status: 409, title: 'Conflict' },
  LNMT_ERR_UNAUTHORIZED: { status: 401, title: 'Authentication required' },
  LNMT_ERR_FORBIDDEN: { status: 403, title: 'Not allowed for this role' },
  LNMT_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  LNMT_ERR_STORE: { status: 500, title: 'Store failure' },
  LNMT_ERR_BUS: { status: 500, title: 'Event bus failure' },
  LNMT_ERR_SCAN: { status: 500, title: 'Scan failure' },
  LNMT_ERR_INTERNAL: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Details that point at the offending input: a config key, a CLI flag, an API field. */
export interface ErrorDetail {
  /** Where: `scanner.timeoutMs`, `--limit`, `body.ip`, `targets[2]`. */
  where: string;
  /** What was given (already masked if secret). */
  value?: unknown;
  /** What is allowed. */
  allowed?: string;
  message: string;
}

export class LnmtError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, opts: { details?: ErrorDetail[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LnmtError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = opts.details ?? [];
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, error: ERROR_CATALOGUE[this.code].title, message: this.message, details: this.details };
  }
}

export function isLnmtError(err: unknown): err is LnmtError {
  return err instanceof LnmtError;
}

/** One line per detail, for terminals: `scanner.timeoutMs: got -1; allowed: integer 50..60000`. */
export function formatError(err: unknown): string {
  if (!isLnmtError(err)) {
    const e = err as Error;
    const cause = e?.cause ? ` (cause: ${(e.cause as Error).message ?? String(e.cause)})` : '';
    return `${e?.message ?? String(err)}${cause}`;
  }
  const lines = [`${err.message} [${err.code}]`];
  for (const d of err.details) {
    const got = d.value === undefined ? '' : `; got ${JSON.stringify(d.value)}`;
    const allowed = d.allowed ? `; allowed: ${d.allowed}` : '';
    lines.push(`  ${d.where}: ${d.message}${got}${allowed}`);
  }
  if (err.cause) lines.push(`  cause: ${(err.cause as Error).message ?? String(err.cause)}`);
  return lines.join('\n');
}
