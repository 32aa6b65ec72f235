import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyResult, type CheckStateMemory } from '../../src/monitor/check-state.js';
import { DueQueue } from '../../src/monitor/due-queue.js';
import { LatencyHistogram } from '../../src/monitor/latency-histogram.js';
import { decomposeWindow, defaultStep, parseDuration } from '../../src/monitor/windows.js';
import { LnmtError } from '../../src/core/errors.js';

const mem = (): CheckStateMemory => ({ state: 'unknown', stateSince: null, streak: 0, flapping: false, changes: [] });
const policy = { retries: 2, flapThreshold: 3, flapWindowMs: 60_000 };

describe('check state machine', () => {
  it('goes down only after retries + 1 consecutive failures, and up on the first success', () => {
    const m = mem();
    assert.deepEqual(applyResult(m, true, 1, policy), { previous: 'unknown', current: 'up', streak: 1, flapping: false });
    assert.equal(applyResult(m, false, 2, policy), null);
    assert.equal(applyResult(m, false, 3, policy), null);
    assert.equal(m.state, 'up');
    assert.deepEqual(applyResult(m, false, 4, policy), { previous: 'up', current: 'down', streak: 3, flapping: false });
    assert.equal(m.stateSince, 4);
    assert.equal(applyResult(m, false, 5, policy), null, 'already down');
    assert.deepEqual(applyResult(m, true, 6, policy), { previous: 'down', current: 'up', streak: 1, flapping: false });
  });

  it('a success between failures resets the count', () => {
    const m = mem();
    applyResult(m, true, 0, policy);
    for (const ok of [false, false, true, false, false]) assert.equal(applyResult(m, ok, 1, policy), null);
    assert.equal(m.state, 'up');
  });

  it('marks a check flapping after flapThreshold changes in the window, and clears it when the window empties', () => {
    const m = mem();
    const p = { retries: 0, flapThreshold: 3, flapWindowMs: 60_000 };
    applyResult(m, true, 0, p);
    assert.equal(applyResult(m, false, 1000, p)!.flapping, false);
    assert.equal(applyResult(m, true, 2000, p)!.flapping, false);
    const third = applyResult(m, false, 3000, p)!;
    assert.equal(third.flapping, true);
    assert.equal(m.flapping, true);
    // Stable for longer than the window: no longer flapping.
    applyResult(m, false, 100_000, p);
    assert.equal(m.flapping, false);
  });

  it('retries 0 means the first failure is down', () => {
    const m = mem();
    assert.equal(applyResult(m, false, 1, { ...policy, retries: 0 })!.current, 'down');
  });
});

describe('due queue', () => {
  it('pops in due order, honours reschedules and removals, and matches a sorted model', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1000 }), fc.boolean()), { maxLength: 200 }), (ops) => {
        const q = new DueQueue();
        const model = new Map<string, number>();
        for (const [id, due, rm] of ops) {
          const key = `c${id}`;
          if (rm) {
            q.remove(key);
            model.delete(key);
          } else {
            q.schedule(key, due);
            model.set(key, due);
          }
        }
        const popped = q.popDue(500);
        const expected = [...model.entries()].filter(([, d]) => d <= 500).sort((a, b) => a[1] - b[1]);
        assert.deepEqual(popped.map((p) => p.due), expected.map((e) => e[1]));
        assert.deepEqual(new Set(popped.map((p) => p.id)), new Set(expected.map((e) => e[0])));
        assert.equal(q.size, model.size - expected.length);
        const next = q.peek();
        const rest = [...model.values()].filter((d) => d > 500);
        assert.equal(next, rest.length ? Math.min(...rest) : null);
      }),
    );
  });
});

describe('latency histogram', () => {
  it('p95 is within 10 % of the exact value and merging equals adding', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.05, max: 60_000, noNaN: true }), { minLength: 20, maxLength: 400 }), (values) => {
        const whole = new LatencyHistogram();
        const a = new LatencyHistogram();
        const b = new LatencyHistogram();
        values.forEach((v, i) => {
          whole.add(v);
          (i % 2 ? a : b).add(v);
        });
        const merged = LatencyHistogram.decode(a.encode());
        merged.merge(LatencyHistogram.decode(b.encode()));
        assert.equal(merged.encode(), whole.encode());
        const sorted = [...values].sort((x, y) => x - y);
        const exact = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
        const approx = whole.quantile(0.95)!;
        assert.ok(Math.abs(approx - exact) / exact <= 0.1, `p95 ${approx} vs exact ${exact}`);
      }),
    );
  });
});

describe('windows', () => {
  const retention = { rawDays: 7, minuteDays: 14, hourDays: 90, dayDays: 400 };
  const now = Date.UTC(2026, 10, 23, 15, 42, 30);

  it('splits a window into whole days, hour edges and minute edges that tile it exactly', () => {
    const from = now - 30 * 86_400_000;
    const ranges = decomposeWindow(from, now, retention, now);
    const sorted = [...ranges].sort((a, b) => a.from - b.from);
    // 30 days back is older than the 14 days of minute aggregates: the start widens to its hour.
    assert.equal(sorted[0]!.from, Math.floor(from / 3_600_000) * 3_600_000);
    assert.equal(sorted[sorted.length - 1]!.to, Math.ceil(now / 60_000) * 60_000);
    for (let i = 1; i < sorted.length; i++) assert.equal(sorted[i]!.from, sorted[i - 1]!.to, 'no gap, no overlap');
    assert.deepEqual(ranges.map((r) => r.step).sort(), ['d', 'h', 'h', 'm']);
    const week = decomposeWindow(now - 7 * 86_400_000, now, retention, now);
    assert.deepEqual(week.map((r) => r.step).sort(), ['d', 'h', 'h', 'm', 'm'], 'within minute retention both edges are exact to the minute');
    const days = ranges.find((r) => r.step === 'd')!;
    assert.equal((days.to - days.from) / 86_400_000, 29);
  });

  it('a 24 h window uses hours and minutes; a short one minutes only', () => {
    assert.deepEqual([...new Set(decomposeWindow(now - 86_400_000, now, retention, now).map((r) => r.step))].sort(), ['h', 'm']);
    assert.deepEqual(decomposeWindow(now - 30 * 60_000, now, retention, now).map((r) => r.step), ['m']);
  });

  it('an edge older than the minute and hour retention widens to a whole day', () => {
    const ranges = decomposeWindow(now - 365 * 86_400_000, now, retention, now);
    const start = Math.min(...ranges.map((r) => r.from));
    assert.equal(start % 86_400_000, 0);
    assert.ok(!ranges.some((r) => r.step === 'm' && r.from < now - 14 * 86_400_000));
  });

  it('parses durations and rejects bad ones naming the field', () => {
    assert.equal(parseDuration('7d', 'q'), 7 * 86_400_000);
    assert.equal(parseDuration('1y', 'q'), 365 * 86_400_000);
    assert.throws(() => parseDuration('7 days', 'querystring.window'), (e: unknown) => e instanceof LnmtError && e.details[0]!.where === 'querystring.window');
    assert.throws(() => parseDuration('30s', 'q'), LnmtError);
    assert.equal(defaultStep(86_400_000), 15 * 60_000);
    assert.equal(defaultStep(30 * 86_400_000), 12 * 3_600_000);
  });
});
