/** The cron validator: what it accepts, and for what it refuses, the field, column and reason it names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cron } from 'croner';
import fc from 'fast-check';
import { CronSyntaxError } from '../../src/scheduler/cron/cron-syntax-error.js';
import { parseCron } from '../../src/scheduler/cron/parse-cron.js';

function refuse(expr: string): CronSyntaxError {
  try {
    parseCron(expr);
  } catch (err) {
    assert.ok(err instanceof CronSyntaxError, `${expr}: ${String(err)}`);
    return err;
  }
  assert.fail(`"${expr}" was accepted`);
}

describe('cron validation', () => {
  it('accepts 5- and 6-field expressions, names, lists, ranges, steps, L, ? and nicknames', () => {
    const ok: Array<[string, string, boolean]> = [
      ['0 3 * * *', '0 3 * * *', false],
      ['  */15  9-17 * * MON-FRI ', '*/15 9-17 * * MON-FRI', false],
      ['0 0 1,15,L * *', '0 0 1,15,L * *', false],
      ['30 */5 * * * *', '30 */5 * * * *', true],
      ['0 0 12 ? JAN,jul ?', '0 0 12 ? JAN,jul ?', true],
      ['0 0 * * 7', '0 0 * * 7', false],
      ['0 8-18/2 * * 1-5', '0 8-18/2 * * 1-5', false],
      ['0 0 29 2 *', '0 0 29 2 *', false],
      ['@hourly', '0 * * * *', false],
      ['@DAILY', '0 0 * * *', false],
      ['@weekly', '0 0 * * 0', false],
      ['@monthly', '0 0 1 * *', false],
      ['@yearly', '0 0 1 1 *', false],
      ['@annually', '0 0 1 1 *', false],
    ];
    for (const [input, expression, seconds] of ok) {
      const c = parseCron(input);
      assert.equal(c.expression, expression, input);
      assert.equal(c.seconds, seconds, input);
      assert.equal(c.source, input.trim());
    }
  });

  it('names the field, its column and what it allows', () => {
    const e = refuse('0 25 * * *');
    assert.equal(e.message, 'field 2 (hour) at column 3: "25" is out of range 0-23');
    assert.deepEqual(e.field, { index: 2, name: 'hour' });
    assert.equal(e.column, 3);
    assert.match(e.allowed, /^0-23, \*, lists/);
  });

  const cases: Array<[string, number | null, number, RegExp]> = [
    ['', null, 1, /the expression is empty/],
    ['* * *', null, 6, /expected 5 or 6 fields, got 3/],
    ['0 0 * * * * 2027', null, 13, /expected 5 or 6 fields, got 7; a year field is not supported/],
    ['  0 25 * * *', 2, 5, /"25" is out of range 0-23/],
    ['60 * * * * *', 1, 1, /field 1 \(second\) at column 1: "60" is out of range 0-59/],
    ['0 60 * * * *', 2, 3, /field 2 \(minute\) .*"60" is out of range 0-59/],
    ['0 0 0 * *', 3, 5, /field 3 \(day-of-month\) .*"0" is out of range 1-31/],
    ['0 0 * 13 *', 4, 7, /field 4 \(month\) at column 7: "13" is out of range 1-12/],
    ['0 0 * FOO *', 4, 7, /"FOO" is not a number or a name \(JAN-DEC\)/],
    ['0 0 * * 8', 5, 9, /"8" is out of range 0-7/],
    ['0 0 * * MON#2', 5, 9, /"MON#2" is not a number or a name \(SUN-SAT\)/],
    ['0 0 * * 7-1', 5, 9, /range "7-1" runs backwards/],
    ['0 0 1,,2 * *', 3, 7, /empty list item/],
    ['0 0 1, * *', 3, 7, /empty list item/],
    ['*/0 * * * *', 1, 3, /step 0 is out of range 1-60/],
    ['*/61 * * * *', 1, 3, /step 61 is out of range 1-60/],
    ['0 */25 * * *', 2, 5, /step 25 is out of range 1-24/],
    ['5/10 * * * *', 1, 1, /a step needs "\*" or a range before it/],
    ['*/x * * * *', 1, 3, /step "x" is not a number/],
    ['1-5/2/3 * * * *', 1, 6, /more than one "\/"/],
    ['0 1-x * * *', 2, 5, /"x" is not a number/],
    ['0 1- * * *', 2, 5, /a value is missing/],
    ['? 0 * * *', 1, 1, /"\?" is only allowed in day-of-month and day-of-week/],
    ['0 0 * L *', 4, 7, /"L" is only allowed in day-of-month/],
    ['0 0 L-5 * *', 3, 5, /"L" is not a number/],
    ['0 0 30 2 *', 3, 5, /day 30 never occurs in the months of field 4 \(2\)/],
    ['0 0 0 31 4,6 *', 4, 7, /field 4 \(day-of-month\) .*day 31 never occurs in the months of field 5 \(4,6\)/],
    ['@reboot', null, 1, /"@reboot" is not supported/],
    ['@fortnightly', null, 1, /"@fortnightly" is not a known nickname/],
    ['@daily 5', null, 8, /a nickname stands alone/],
  ];
  for (const [expr, field, column, reason] of cases) {
    it(`refuses ${JSON.stringify(expr)} at column ${column}`, () => {
      const e = refuse(expr);
      assert.equal(e.field?.index ?? null, field, e.message);
      assert.equal(e.column, column, e.message);
      assert.match(e.message, reason);
      assert.match(e.message, new RegExp(`at column ${column}: `));
    });
  }

  it('day-of-month 31 with a day-of-week is fine (either matching is enough)', () => {
    parseCron('0 0 31 2 MON');
  });
});

/**
 * Expressions built field by field from pieces that are mostly valid for that field and sometimes not (out of
 * range by a little, backwards ranges, steps too large, stray names), so that both outcomes are common.
 */
function fieldArb(min: number, max: number, extras: string[]): fc.Arbitrary<string> {
  const v = fc.integer({ min, max });
  const near = fc.integer({ min: Math.max(0, min - 1), max: max + 2 });
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constant('*') },
    { weight: 4, arbitrary: v.map(String) },
    { weight: 1, arbitrary: near.map(String) },
    { weight: 2, arbitrary: fc.tuple(v, v).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`) },
    { weight: 1, arbitrary: fc.tuple(near, near).map(([a, b]) => `${a}-${b}`) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: max - min + 3 }).map((st) => `*/${st}`) },
    { weight: 1, arbitrary: fc.tuple(v, v, fc.integer({ min: 0, max: 8 })).map(([a, b, st]) => `${Math.min(a, b)}-${Math.max(a, b)}/${st}`) },
    { weight: 1, arbitrary: fc.constantFrom(...extras, 'X', '', '5/5', 'L') },
  );
  return fc.oneof({ weight: 6, arbitrary: fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join(',')) }, { weight: 1, arbitrary: fc.constant('?') });
}
const FIELDS = {
  second: fieldArb(0, 59, []),
  minute: fieldArb(0, 59, []),
  hour: fieldArb(0, 23, []),
  dom: fieldArb(1, 31, ['L', 'L', '15']),
  month: fieldArb(1, 12, ['JAN', 'dec', 'JAN-JUN', 'feb']),
  dow: fieldArb(0, 7, ['MON', 'fri', 'SUN-SAT', 'MON-FRI']),
};
const five = fc.tuple(FIELDS.minute, FIELDS.hour, FIELDS.dom, FIELDS.month, FIELDS.dow).map((f) => f.join(' '));
const six = fc.tuple(FIELDS.second, FIELDS.minute, FIELDS.hour, FIELDS.dom, FIELDS.month, FIELDS.dow).map((f) => f.join(' '));
const expression = fc.oneof({ weight: 4, arbitrary: five }, { weight: 4, arbitrary: six }, { weight: 1, arbitrary: fc.array(FIELDS.minute, { minLength: 1, maxLength: 8 }).map((f) => f.join(' ')) });

describe('cron validation against croner', () => {
  it('whatever the validator accepts, croner accepts and can schedule', () => {
    let accepted = 0;
    fc.assert(
      fc.property(expression, (expr) => {
        let parsed;
        try {
          parsed = parseCron(expr);
        } catch (err) {
          assert.ok(err instanceof CronSyntaxError, String(err));
          return;
        }
        accepted++;
        const c = new Cron(parsed.expression, { timezone: 'UTC', mode: parsed.seconds ? '6-part' : '5-part', paused: true });
        assert.notEqual(c.nextRun(new Date('2026-01-01T00:00:00Z')), null, `${expr} never runs`);
      }),
      { numRuns: 3000, seed: 20260329 },
    );
    assert.ok(accepted > 200, `only ${accepted} of 3000 generated expressions were valid: the generator is too wild`);
  });

  it('errors point inside the expression, at the field they name', () => {
    fc.assert(
      fc.property(expression, (expr) => {
        try {
          parseCron(expr);
        } catch (err) {
          const e = err as CronSyntaxError;
          assert.ok(e.column >= 1 && e.column <= expr.length + 1, `${expr}: column ${e.column}`);
          if (e.field) {
            const fieldStart = [...expr.matchAll(/\S+/g)][e.field.index - 1]!;
            assert.ok(e.column >= fieldStart.index + 1 && e.column <= fieldStart.index + fieldStart[0].length + 1, `${expr}: ${e.message}`);
          }
        }
      }),
      { numRuns: 3000, seed: 1 },
    );
  });
});
