/**
 * Next-run computation: cron in time zones across daylight-saving changes (Europe/Berlin 2026-03-29 and
 * 2026-10-25, America/New_York 2026-03-08 and 2026-11-01), month ends, leap days, seconds; fixed intervals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCron } from '../../src/scheduler/cron/parse-cron.js';
import { cronSchedule, everySchedule, type JobSchedule } from '../../src/scheduler/schedule.js';

const at = (iso: string) => Date.parse(iso);

/** The next `n` runs after `from`, as UTC ISO strings. */
function runs(s: JobSchedule, from: string, n: number): string[] {
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = s.next(null, t);
    if (next === null) break;
    assert.ok(next > t, 'next is strictly after now');
    out.push(new Date(next).toISOString());
    t = next;
  }
  return out;
}

const cron = (expr: string, tz: string) => cronSchedule(parseCron(expr), tz);

describe('cron next run across daylight-saving changes', () => {
  it('Europe/Berlin spring forward (2026-03-29, 02:00 CET → 03:00 CEST): a fixed 02:30 runs at 03:00 that day', () => {
    assert.deepEqual(runs(cron('30 2 * * *', 'Europe/Berlin'), '2026-03-27T12:00:00Z', 4), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('Europe/Berlin spring forward: */30 skips the missing hour', () => {
    assert.deepEqual(runs(cron('*/30 * * * *', 'Europe/Berlin'), '2026-03-29T00:00:00Z', 4), [
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
  });

  it('Europe/Berlin fall back (2026-10-25, 03:00 CEST → 02:00 CET): a fixed 02:30 runs once, at its first pass', () => {
    assert.deepEqual(runs(cron('30 2 * * *', 'Europe/Berlin'), '2026-10-23T12:00:00Z', 3), [
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, first pass; not again at 01:30Z
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('Europe/Berlin fall back: */30 runs in both passes of the repeated hour', () => {
    assert.deepEqual(runs(cron('*/30 * * * *', 'Europe/Berlin'), '2026-10-24T23:50:00Z', 6), [
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T02:30:00.000Z',
    ]);
  });

  it('America/New_York spring forward (2026-03-08) and fall back (2026-11-01)', () => {
    assert.deepEqual(runs(cron('30 2 * * *', 'America/New_York'), '2026-03-07T12:00:00Z', 3), [
      '2026-03-08T07:00:00.000Z', // 02:30 does not exist: 03:00 EDT
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
      '2026-03-10T06:30:00.000Z',
    ]);
    assert.deepEqual(runs(cron('30 1 * * *', 'America/New_York'), '2026-10-31T12:00:00Z', 3), [
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, once
      '2026-11-02T06:30:00.000Z', // 01:30 EST
      '2026-11-03T06:30:00.000Z',
    ]);
  });

  it('the same expression follows the zone it is given', () => {
    assert.deepEqual(runs(cron('0 9 * * *', 'UTC'), '2026-06-01T00:00:00Z', 1), ['2026-06-01T09:00:00.000Z']);
    assert.deepEqual(runs(cron('0 9 * * *', 'Europe/Berlin'), '2026-06-01T00:00:00Z', 1), ['2026-06-01T07:00:00.000Z']);
    assert.deepEqual(runs(cron('0 9 * * *', 'America/New_York'), '2026-06-01T00:00:00Z', 1), ['2026-06-01T13:00:00.000Z']);
    assert.deepEqual(runs(cron('0 9 * * *', 'Asia/Kolkata'), '2026-06-01T00:00:00Z', 1), ['2026-06-01T03:30:00.000Z']);
  });
});

describe('cron next run at month ends, leap days and with seconds', () => {
  it('the 31st runs only in months that have one', () => {
    assert.deepEqual(runs(cron('0 0 31 * *', 'UTC'), '2026-01-31T00:00:00Z', 6), [
      '2026-03-31T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
      '2026-08-31T00:00:00.000Z',
      '2026-10-31T00:00:00.000Z',
      '2026-12-31T00:00:00.000Z',
    ]);
  });

  it('L is the last day of each month, Feb 29 in 2028', () => {
    assert.deepEqual(runs(cron('0 23 L * *', 'UTC'), '2028-01-01T00:00:00Z', 4), [
      '2028-01-31T23:00:00.000Z',
      '2028-02-29T23:00:00.000Z',
      '2028-03-31T23:00:00.000Z',
      '2028-04-30T23:00:00.000Z',
    ]);
    assert.deepEqual(runs(cron('0 23 L 2 *', 'UTC'), '2026-01-01T00:00:00Z', 3), ['2026-02-28T23:00:00.000Z', '2027-02-28T23:00:00.000Z', '2028-02-29T23:00:00.000Z']);
  });

  it('Feb 29 runs every four years', () => {
    assert.deepEqual(runs(cron('0 12 29 2 *', 'UTC'), '2026-01-01T00:00:00Z', 2), ['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z']);
  });

  it('day-of-month and day-of-week both restricted: either matches', () => {
    // 2026-01-01 is a Thursday: Fridays (2, 9, 16) and the 13th.
    assert.deepEqual(runs(cron('0 12 13 * 5', 'UTC'), '2026-01-01T00:00:00Z', 4), ['2026-01-02T12:00:00.000Z', '2026-01-09T12:00:00.000Z', '2026-01-13T12:00:00.000Z', '2026-01-16T12:00:00.000Z']);
    assert.deepEqual(runs(cron('0 12 * * 5', 'UTC'), '2026-01-01T00:00:00Z', 2), ['2026-01-02T12:00:00.000Z', '2026-01-09T12:00:00.000Z']);
  });

  it('6 fields: seconds, strictly after now (also from a time with milliseconds)', () => {
    const s = cron('*/15 * * * * *', 'UTC');
    assert.deepEqual(runs(s, '2028-01-01T00:00:14.500Z', 3), ['2028-01-01T00:00:15.000Z', '2028-01-01T00:00:30.000Z', '2028-01-01T00:00:45.000Z']);
    assert.equal(s.next(null, at('2028-01-01T00:00:15.000Z')), at('2028-01-01T00:00:30.000Z'));
    assert.deepEqual(runs(cron('30 0 4 * * *', 'Europe/Berlin'), '2026-03-28T12:00:00Z', 2), ['2026-03-29T02:00:30.000Z', '2026-03-30T02:00:30.000Z']);
  });

  it('counts the runs missed in a window', () => {
    const s = cron('0 * * * *', 'UTC');
    assert.equal(s.missed(at('2026-01-01T00:00:00Z'), at('2026-01-01T05:30:00Z'), 1000), 6);
    assert.equal(s.missed(at('2026-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z'), 100), 100);
  });

  it('next is always after now, for any instant and zone', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const schedules = zones.flatMap((tz) => ['30 2 * * *', '*/7 * * * *', '0 0 L * *', '15 */2 * * * *'].map((e) => cron(e, tz)));
    fc.assert(
      fc.property(fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2029-01-01T00:00:00Z') }), fc.integer({ min: 0, max: schedules.length - 1 }), (now, i) => {
        const next = schedules[i]!.next(null, now);
        assert.ok(next !== null && next > now && next - now <= 32 * 86_400_000, `${i} at ${new Date(now).toISOString()}: ${next}`);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('interval schedules', () => {
  const five = everySchedule(300_000);
  it('a new job runs one interval from now', () => {
    assert.equal(five.next(null, 1_000_000), 1_300_000);
  });
  it('keeps its phase and never returns a time already past', () => {
    assert.equal(five.next(1_300_000, 1_300_000), 1_600_000);
    assert.equal(five.next(1_300_000, 1_300_050), 1_600_000);
    // A scheduler stopped for an hour resumes on the same phase, without a burst.
    assert.equal(five.next(1_300_000, 1_300_000 + 3_600_000 + 1), 1_300_000 + 3_900_000);
  });
  it('counts missed runs', () => {
    assert.equal(five.missed(1_300_000, 1_300_000 + 3_600_000, 1000), 13);
    assert.equal(five.missed(1_300_000, 1_299_999, 1000), 0);
  });
});
