import { LAYOUTS, MONTH_DAYS, NICKNAMES, type CronField } from './cron-fields.js';
import { CronSyntaxError } from './cron-syntax-error.js';

/** A cron expression that passed validation, in the form the next-run computation takes. */
export interface CronExpression {
  /** As written (trimmed). */
  source: string;
  /** Nicknames expanded, fields separated by single spaces. */
  expression: string;
  /** 6 fields: the first is seconds. */
  seconds: boolean;
}

const FIELD_COUNT_HELP = 'minute hour day-of-month month day-of-week, optionally preceded by second; or a nickname (@hourly, @daily, @weekly, @monthly, @yearly)';

/**
 * Validates a 5- or 6-field cron expression (or an `@hourly`-style nickname) and says exactly where it is wrong:
 * `field 2 (hour) at column 3: "25" is out of range 0-23`. Accepts numbers, names (JAN-DEC, SUN-SAT), `*`,
 * lists, ranges, steps on `*` or ranges, `L` in day-of-month and `?` as a whole day field. What it accepts,
 * croner accepts with the same meaning (a property test holds the two together).
 */
export function parseCron(input: string): CronExpression {
  const tokens = splitFields(input);
  if (tokens.length === 0) throw new CronSyntaxError('the expression is empty', 1, null, FIELD_COUNT_HELP);
  const first = tokens[0]!;
  if (first.text.startsWith('@')) return parseNickname(input, tokens);
  if (tokens.length !== 5 && tokens.length !== 6) {
    const column = tokens.length > 6 ? tokens[6]!.column : input.trimEnd().length + 1;
    const extra = tokens.length > 6 ? '; a year field is not supported' : '';
    throw new CronSyntaxError(`expected 5 or 6 fields, got ${tokens.length}${extra}`, column, null, FIELD_COUNT_HELP);
  }
  const layout = LAYOUTS[tokens.length as 5 | 6];
  const values = tokens.map((t, i) => parseField(t.text, t.column, layout[i]!, i + 1));
  checkDayExists(tokens, values, layout);
  return { source: input.trim(), expression: tokens.map((t) => t.text).join(' '), seconds: tokens.length === 6 };
}

interface Token {
  text: string;
  /** 1-based. */
  column: number;
}

function splitFields(input: string): Token[] {
  const out: Token[] = [];
  for (const m of input.matchAll(/\S+/g)) out.push({ text: m[0], column: m.index + 1 });
  return out;
}

function parseNickname(input: string, tokens: Token[]): CronExpression {
  const first = tokens[0]!;
  const allowed = Object.keys(NICKNAMES).join(', ');
  if (tokens.length > 1) throw new CronSyntaxError(`a nickname stands alone; found "${tokens[1]!.text}" after it`, tokens[1]!.column, null, allowed);
  const name = first.text.toLowerCase();
  if (name === '@reboot') throw new CronSyntaxError('"@reboot" is not supported: jobs run on a schedule, not at start-up', first.column, null, allowed);
  const expression = NICKNAMES[name];
  if (!expression) throw new CronSyntaxError(`"${first.text}" is not a known nickname`, first.column, null, allowed);
  return { source: input.trim(), expression, seconds: false };
}

/** The values a field matches, or 'any' for `*`/`?`; `L` adds 'last'. */
type FieldValues = { any: boolean; last: boolean; values: Set<number> };

function parseField(text: string, column: number, field: CronField, index: number): FieldValues {
  const fail = (reason: string, col: number): never => {
    throw new CronSyntaxError(reason, col, { index, name: field.name }, field.allowed);
  };
  if (text === '?') {
    if (!field.question) fail('"?" is only allowed in day-of-month and day-of-week', column);
    return { any: true, last: false, values: new Set() };
  }
  const out: FieldValues = { any: false, last: false, values: new Set() };
  let offset = 0;
  for (const item of text.split(',')) {
    const col = column + offset;
    offset += item.length + 1;
    if (item === '') fail('empty list item (two commas, or a comma at an end)', col);
    parseItem(item, col, field, out, fail);
  }
  return out;
}

function parseItem(item: string, column: number, field: CronField, out: FieldValues, fail: (reason: string, col: number) => never): void {
  const slash = item.indexOf('/');
  const base = slash < 0 ? item : item.slice(0, slash);
  let step = 1;
  if (slash >= 0) {
    const stepText = item.slice(slash + 1);
    const stepCol = column + slash + 1;
    if (stepText.includes('/')) fail(`"${item}" has more than one "/"`, column + slash + 1 + stepText.indexOf('/'));
    if (!/^\d+$/.test(stepText)) fail(`step "${stepText}" is not a number`, stepCol);
    step = Number(stepText);
    if (step < 1 || step > field.maxStep) fail(`step ${stepText} is out of range 1-${field.maxStep}`, stepCol);
    if (base !== '*' && !base.includes('-')) fail(`a step needs "*" or a range before it ("*/${stepText}" or "${base}-${field.max}/${stepText}"), not "${base}"`, column);
  }
  if (base === '*') {
    if (slash < 0) out.any = true;
    for (let v = field.min; v <= field.max; v += step) out.values.add(v);
    return;
  }
  if (base.toUpperCase() === 'L') {
    if (!field.last) fail('"L" is only allowed in day-of-month', column);
    out.last = true;
    return;
  }
  const dash = base.indexOf('-');
  if (dash < 0) {
    out.values.add(value(base, column, field, fail));
    return;
  }
  const from = value(base.slice(0, dash), column, field, fail);
  const to = value(base.slice(dash + 1), column + dash + 1, field, fail);
  if (from > to) fail(`range "${base}" runs backwards`, column);
  for (let v = from; v <= to; v += step) out.values.add(v);
}

function value(text: string, column: number, field: CronField, fail: (reason: string, col: number) => never): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < field.min || n > field.max) fail(`"${text}" is out of range ${field.min}-${field.max}`, column);
    return n;
  }
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (text === '') fail('a value is missing', column);
  const names = field.names ? ` or a name (${field.names[0]}-${field.names[field.names.length - 1]})` : '';
  return fail(`"${text}" is not a number${names}`, column);
}

/**
 * `0 0 30 2 *` is well-formed but never runs: when only the day-of-month restricts the day, some month allowed
 * by the month field must have one of its days. (With a day-of-week too, either matching is enough.)
 */
function checkDayExists(tokens: Token[], values: FieldValues[], layout: readonly CronField[]): void {
  const di = layout.findIndex((f) => f.name === 'day-of-month');
  const dom = values[di]!;
  const months = values[di + 1]!;
  const dow = values[di + 2]!;
  if (!dow.any || dom.any || dom.last) return;
  const smallest = Math.min(...dom.values);
  if ([...months.values].some((m) => smallest <= MONTH_DAYS[m - 1]!)) return;
  const field = layout[di]!;
  throw new CronSyntaxError(`day ${smallest} never occurs in the months of field ${di + 2} (${tokens[di + 1]!.text})`, tokens[di]!.column, { index: di + 1, name: field.name }, field.allowed);
}
