/**
 * A cron expression that cannot be accepted, with where the problem is: the field (1-based, with its name) and
 * the column (1-based character offset in the expression as written), and what that field allows.
 */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';

  constructor(
    /** What is wrong, e.g. `"25" is out of range 0-23`. */
    readonly reason: string,
    readonly column: number,
    readonly field: { index: number; name: string } | null,
    readonly allowed: string,
  ) {
    super(`${field ? `field ${field.index} (${field.name}) ` : ''}at column ${column}: ${reason}`);
  }
}
