/** Bounds of a job definition, shared by the API schema, the CLI flags and the service that enforces them. */
export const JOB_LIMITS = {
  name: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', allowed: '1 to 64 letters, digits, dots, underscores and hyphens, starting with a letter or digit' },
  everyMs: { min: 1_000, max: 366 * 86_400_000 },
  timeoutMs: { min: 1_000, max: 7 * 86_400_000 },
  retries: { min: 0, max: 100 },
  retryDelayMs: { min: 100, max: 86_400_000 },
  cronLength: 200,
} as const;

export const OVERLAP_POLICIES = ['skip', 'queue'] as const;
export const CATCH_UP_POLICIES = ['once', 'skip'] as const;

/** The fields of a job definition, for naming them in errors (`body.cron` in the API, `--cron` in the CLI). */
export type JobField = 'name' | 'type' | 'cron' | 'every' | 'timezone' | 'params' | 'enabled' | 'overlap' | 'timeout_ms' | 'retries' | 'retry_delay_ms' | 'catch_up';

/** Names a field (and, for `params`, a path inside it) the way the caller's user wrote it. */
export type FieldWhere = (field: JobField, paramPath?: string) => string;

/** API request bodies: `body.cron`, `body.params.targets[1]`. */
export const bodyWhere: FieldWhere = (field, path) => (field === 'params' && path ? `body.params.${path}` : `body.${field}`);
