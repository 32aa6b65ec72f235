/** One field of a cron expression: its name, the values it takes, and what else it accepts. */
export interface CronField {
  name: string;
  min: number;
  max: number;
  /** Largest step (`*\/n`): the number of slots the field has (croner refuses larger ones). */
  maxStep: number;
  /** Names accepted for values, case-insensitive: `names[i]` stands for `min + i`. */
  names?: readonly string[];
  /** `L` (last day of the month). */
  last?: boolean;
  /** `?` as the whole field (the same as `*`). */
  question?: boolean;
  /** What a user may write, for error messages. */
  allowed: string;
}

const COMMON = '*, lists (1,5), ranges (1-5), steps (*/2, 1-5/2)';

export const SECOND: CronField = { name: 'second', min: 0, max: 59, maxStep: 60, allowed: `0-59, ${COMMON}` };
export const MINUTE: CronField = { name: 'minute', min: 0, max: 59, maxStep: 60, allowed: `0-59, ${COMMON}` };
export const HOUR: CronField = { name: 'hour', min: 0, max: 23, maxStep: 24, allowed: `0-23, ${COMMON}` };
export const DAY_OF_MONTH: CronField = { name: 'day-of-month', min: 1, max: 31, maxStep: 31, last: true, question: true, allowed: `1-31, L (last day of the month), ?, ${COMMON}` };
export const MONTH: CronField = {
  name: 'month',
  min: 1,
  max: 12,
  maxStep: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  allowed: `1-12 or JAN-DEC, ${COMMON}`,
};
export const DAY_OF_WEEK: CronField = {
  name: 'day-of-week',
  min: 0,
  max: 7,
  maxStep: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  question: true,
  allowed: `0-7 (0 and 7 are Sunday) or SUN-SAT, ?, ${COMMON}`,
};

/** Field layouts by field count: 5 = classic, 6 = seconds first. */
export const LAYOUTS: Readonly<Record<5 | 6, readonly CronField[]>> = {
  5: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
  6: [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
};

/** `@hourly`-style nicknames and the 5-field expression each stands for. */
export const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Longest month length per month number (February counts its leap day). */
export const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
