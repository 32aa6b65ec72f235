import type { MonitorConfig } from '../core/config/sections/monitor.js';
import { LnmtError } from '../core/errors.js';
import type { LevelRange } from '../store/repositories/rollup-repo.js';
import { STEP_MS, type RollupStep } from './aggregate.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/** `90m`, `24h`, `7d`, `2w`, `1y` → milliseconds; errors name `where`. */
export function parseDuration(text: string, where: string, opts: { min?: number; max?: number } = {}): number {
  const m = /^(\d{1,6})(m|h|d|w|y)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
  const min = opts.min ?? 60_000;
  const max = opts.max ?? 10 * UNITS.y!;
  if (!m || !(ms >= min && ms <= max)) {
    throw new LnmtError('LNMT_ERR_VALIDATION', `${where}: "${text}" is not a usable duration`, {
      details: [{ where, value: text, message: 'invalid duration', allowed: `a number and a unit m, h, d, w or y (e.g. 24h, 7d, 30d, 1y), from ${fmt(min)} to ${fmt(max)}` }],
    });
  }
  return ms;
}

function fmt(ms: number): string {
  for (const u of ['y', 'w', 'd', 'h', 'm']) if (ms % UNITS[u]! === 0) return `${ms / UNITS[u]!}${u}`;
  return `${ms} ms`;
}

export type Retention = MonitorConfig['retention'];

/** The oldest bucket start still kept at each level. */
function keptSince(retention: Retention, now: number): Record<RollupStep, number> {
  return { m: now - retention.minuteDays * STEP_MS.d, h: now - retention.hourDays * STEP_MS.d, d: now - retention.dayDays * STEP_MS.d };
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/**
 * Splits [from, to) into whole aggregate buckets, coarsest first: days where whole days fit, hours at the edges,
 * minutes at the outermost edges. An edge older than its level's retention widens to the next coarser bucket (a
 * 1-year window starts at a day boundary because minute and hour rows that old are gone). Edges snap outward to
 * minutes: the window covers whole minutes.
 */
export function decomposeWindow(from: number, to: number, retention: Retention, now = Date.now()): LevelRange[] {
  const kept = keptSince(retention, now);
  const snapFrom = (t: number) => (t >= kept.m ? floorTo(t, STEP_MS.m) : t >= kept.h ? floorTo(t, STEP_MS.h) : floorTo(t, STEP_MS.d));
  const a = snapFrom(from);
  const b = ceilTo(to, STEP_MS.m);
  if (b <= a) return [];
  const out: LevelRange[] = [];
  const push = (step: RollupStep, f: number, t: number) => {
    if (t > f) out.push({ step, from: f, to: t });
  };
  const dA = ceilTo(a, STEP_MS.d);
  const dB = floorTo(b, STEP_MS.d);
  const hA = ceilTo(a, STEP_MS.h);
  const hB = floorTo(b, STEP_MS.h);
  if (dA < dB) {
    push('d', dA, dB);
    push('h', hA, dA);
    push('h', dB, hB);
  } else if (hA < hB) {
    push('h', hA, hB);
  } else {
    push('m', a, b);
    return out;
  }
  push('m', a, hA);
  push('m', hB, b);
  return out;
}

/** The stored level a series of `stepMs` buckets is built from: the coarsest one that divides the step. */
export function levelForStep(stepMs: number): RollupStep {
  if (stepMs % STEP_MS.d === 0) return 'd';
  if (stepMs % STEP_MS.h === 0) return 'h';
  return 'm';
}

const NICE_STEPS = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 10080].map((m) => m * 60_000);

/** A step giving about 100 points for the window (24h → 15m, 7d → 2h, 30d → 12h, 1y → 7d). */
export function defaultStep(windowMs: number): number {
  const want = windowMs / 100;
  return NICE_STEPS.find((s) => s >= want) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
}
