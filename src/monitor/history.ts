import { LnmtError } from '../core/errors.js';
import type { DeviceHealthRow, RollupRepo } from '../store/repositories/rollup-repo.js';
import { Aggregate, STEP_MS } from './aggregate.js';
import { decomposeWindow, levelForStep, type Retention } from './windows.js';

export interface WindowSummary {
  from: string;
  to: string;
  total: number;
  up: number;
  down: number;
  /** Percent of successful results; null with no results in the window. */
  uptime: number | null;
  latency: { min: number | null; avg: number | null; max: number | null; p95: number | null };
}

export interface SeriesPoint {
  t: string;
  up: number;
  down: number;
  uptime: number | null;
  lat_min: number | null;
  lat_avg: number | null;
  lat_max: number | null;
  lat_p95: number | null;
}

export interface HealthRow extends DeviceHealthRow {
  total: number;
  uptime: number | null;
}

const MAX_POINTS = 5000;
const round = (v: number | null, d = 3) => (v === null ? null : Math.round(v * 10 ** d) / 10 ** d);

function summarize(agg: Aggregate, from: number, to: number): WindowSummary {
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    total: agg.total,
    up: agg.up,
    down: agg.down,
    uptime: round(agg.uptime, 4),
    latency: { min: round(agg.latMin), avg: round(agg.latAvg), max: round(agg.latMax), p95: round(agg.p95) },
  };
}

/**
 * Uptime and latency over any window, from the minute/hour/day aggregates only (never raw results): a window
 * is split into whole buckets of the coarsest level that fits (see decomposeWindow), so a year is ~365 rows per
 * check and 24 hours at most ~24 + 118.
 */
export class HistoryService {
  constructor(private readonly deps: { rollups: RollupRepo; retention: Retention; now(): number }) {}

  async checkSummary(checkId: string, windowMs: number): Promise<WindowSummary> {
    const to = this.deps.now();
    const from = to - windowMs;
    const agg = new Aggregate();
    for (const r of await this.deps.rollups.forCheck(checkId, decomposeWindow(from, to, this.deps.retention, to))) agg.merge(r.agg);
    return summarize(agg, from, to);
  }

  async checkSeries(checkId: string, windowMs: number, stepMs: number): Promise<{ from: string; to: string; step_ms: number; points: SeriesPoint[] }> {
    if (stepMs < STEP_MS.m || stepMs % STEP_MS.m !== 0) {
      throw new LnmtError('LNMT_ERR_VALIDATION', 'the step must be a whole number of minutes', { details: [{ where: 'querystring.step', value: stepMs, message: 'invalid step', allowed: 'a whole number of minutes, hours or days (e.g. 5m, 1h, 1d)' }] });
    }
    if (windowMs / stepMs > MAX_POINTS) {
      throw new LnmtError('LNMT_ERR_VALIDATION', `window / step gives more than ${MAX_POINTS} points`, { details: [{ where: 'querystring.step', value: stepMs, message: `too many points (${Math.ceil(windowMs / stepMs)})`, allowed: `a step of at least ${Math.ceil(windowMs / MAX_POINTS / STEP_MS.m)} minutes for this window` }] });
    }
    const now = this.deps.now();
    const level = levelForStep(stepMs);
    const last = Math.floor(now / stepMs) * stepMs;
    const first = last - Math.ceil(windowMs / stepMs - 1) * stepMs;
    const rows = await this.deps.rollups.forCheck(checkId, [{ step: level, from: first, to: last + stepMs }]);
    const buckets = new Map<number, Aggregate>();
    for (const r of rows) {
      const b = Math.floor(r.bucket / stepMs) * stepMs;
      const agg = buckets.get(b) ?? new Aggregate();
      agg.merge(r.agg);
      buckets.set(b, agg);
    }
    const points: SeriesPoint[] = [];
    for (let t = first; t <= last; t += stepMs) {
      const a = buckets.get(t) ?? new Aggregate();
      points.push({ t: new Date(t).toISOString(), up: a.up, down: a.down, uptime: round(a.uptime, 4), lat_min: round(a.latMin), lat_avg: round(a.latAvg), lat_max: round(a.latMax), lat_p95: round(a.p95) });
    }
    return { from: new Date(first).toISOString(), to: new Date(last + stepMs).toISOString(), step_ms: stepMs, points };
  }

  /** Per device: number of checks, results, successes, failures and uptime %, over the window (one query). */
  async healthReport(windowMs: number, deviceId?: number): Promise<HealthRow[]> {
    const to = this.deps.now();
    const rows = await this.deps.rollups.deviceHealth(decomposeWindow(to - windowMs, to, this.deps.retention, to), deviceId);
    return rows.map((r) => ({ ...r, total: r.up + r.down, uptime: r.up + r.down === 0 ? null : round((r.up / (r.up + r.down)) * 100, 4) }));
  }

  /** Uptime % per check over the window, for lists. */
  async checkUptimes(windowMs: number, checkIds?: readonly string[]): Promise<Map<string, number | null>> {
    const to = this.deps.now();
    const counts = await this.deps.rollups.checkCounts(decomposeWindow(to - windowMs, to, this.deps.retention, to), checkIds);
    const out = new Map<string, number | null>();
    for (const [id, c] of counts) out.set(id, c.up + c.down === 0 ? null : round((c.up / (c.up + c.down)) * 100, 4));
    return out;
  }
}
