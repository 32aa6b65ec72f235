import { LnmtError, type ErrorDetail } from '../core/errors.js';
import { parseCron } from './cron/parse-cron.js';
import { CronSyntaxError } from './cron/cron-syntax-error.js';
import { DURATION_ALLOWED, formatDuration, parseDuration } from './duration.js';
import { JOB_LIMITS, type FieldWhere, type JobField } from './job-limits.js';
import { TIME_ZONE_ALLOWED, canonicalTimeZone } from './time-zone.js';

/**
 * Collects every problem of one job definition before failing, each naming its field the caller's way, so the
 * user fixes them all at once (LNMT_ERR_VALIDATION).
 */
export class JobInputCheck {
  readonly details: ErrorDetail[] = [];

  constructor(readonly where: FieldWhere) {}

  add(field: JobField, detail: Omit<ErrorDetail, 'where'>, paramPath?: string): void {
    this.details.push({ where: this.where(field, paramPath), ...detail });
  }

  /** The expression as stored (trimmed), or undefined after recording why it is invalid. */
  cron(text: string): string | undefined {
    if (text.length > JOB_LIMITS.cronLength) {
      this.add('cron', { value: text, message: `cron expression longer than ${JOB_LIMITS.cronLength} characters`, allowed: `at most ${JOB_LIMITS.cronLength} characters` });
      return undefined;
    }
    try {
      return parseCron(text).source;
    } catch (err) {
      if (!(err instanceof CronSyntaxError)) throw err;
      this.add('cron', { value: text, message: err.message, allowed: err.allowed });
      return undefined;
    }
  }

  every(text: string): number | undefined {
    const ms = parseDuration(text);
    const { min, max } = JOB_LIMITS.everyMs;
    if (ms === null || ms < min || ms > max) {
      this.add('every', { value: text, message: ms === null ? 'not a duration' : 'interval out of range', allowed: `${DURATION_ALLOWED}, from ${formatDuration(min)} to ${formatDuration(max)}` });
      return undefined;
    }
    return ms;
  }

  timeZone(text: string): string | undefined {
    const tz = canonicalTimeZone(text);
    if (tz === null) this.add('timezone', { value: text, message: 'unknown time zone', allowed: TIME_ZONE_ALLOWED });
    return tz ?? undefined;
  }

  range(field: JobField, value: number, limits: { min: number; max: number }): number | undefined {
    if (Number.isInteger(value) && value >= limits.min && value <= limits.max) return value;
    this.add(field, { value, message: 'out of range', allowed: `an integer from ${limits.min} to ${limits.max}` });
    return undefined;
  }

  name(text: string): string | undefined {
    if (new RegExp(JOB_LIMITS.name.pattern).test(text)) return text;
    this.add('name', { value: text, message: 'not an accepted job name', allowed: JOB_LIMITS.name.allowed });
    return undefined;
  }

  /** Throws LNMT_ERR_VALIDATION listing every problem recorded. */
  done(what: string): void {
    if (this.details.length === 0) return;
    const first = this.details[0]!;
    const summary = this.details.length === 1 ? `${first.where}: ${first.message}` : `${this.details.length} problems`;
    throw new LnmtError('LNMT_ERR_VALIDATION', `invalid ${what}: ${summary}`, { details: this.details });
  }
}
