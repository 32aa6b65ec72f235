import { LatencyHistogram } from './latency-histogram.js';

export const STEP_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type RollupStep = keyof typeof STEP_MS;
export const ROLLUP_STEPS: readonly RollupStep[] = ['m', 'h', 'd'];

/** Counts and latency of some results: what one rollup row holds, and what windows sum up. */
export class Aggregate {
  up = 0;
  down = 0;
  latCount = 0;
  latSum = 0;
  latMin: number | null = null;
  latMax: number | null = null;
  hist = new LatencyHistogram();

  addResult(ok: boolean, latencyMs: number | null): void {
    if (ok) this.up++;
    else this.down++;
    if (latencyMs !== null && Number.isFinite(latencyMs)) {
      this.latCount++;
      this.latSum += latencyMs;
      this.latMin = this.latMin === null ? latencyMs : Math.min(this.latMin, latencyMs);
      this.latMax = this.latMax === null ? latencyMs : Math.max(this.latMax, latencyMs);
      this.hist.add(latencyMs);
    }
  }

  merge(o: Aggregate): void {
    this.up += o.up;
    this.down += o.down;
    this.latCount += o.latCount;
    this.latSum += o.latSum;
    if (o.latMin !== null) this.latMin = this.latMin === null ? o.latMin : Math.min(this.latMin, o.latMin);
    if (o.latMax !== null) this.latMax = this.latMax === null ? o.latMax : Math.max(this.latMax, o.latMax);
    this.hist.merge(o.hist);
  }

  get total(): number {
    return this.up + this.down;
  }

  /** Percentage of successful results, or null with no results. */
  get uptime(): number | null {
    return this.total === 0 ? null : (this.up / this.total) * 100;
  }

  get latAvg(): number | null {
    return this.latCount === 0 ? null : this.latSum / this.latCount;
  }

  get p95(): number | null {
    return this.hist.quantile(0.95);
  }

  static fromRow(r: { up: number; down: number; lat_count: number; lat_sum: number; lat_min: number | null; lat_max: number | null; lat_hist?: string | null }): Aggregate {
    const a = new Aggregate();
    a.up = Number(r.up);
    a.down = Number(r.down);
    a.latCount = Number(r.lat_count);
    a.latSum = Number(r.lat_sum);
    a.latMin = r.lat_min === null ? null : Number(r.lat_min);
    a.latMax = r.lat_max === null ? null : Number(r.lat_max);
    if (r.lat_hist) a.hist = LatencyHistogram.decode(r.lat_hist);
    return a;
  }
}

export function bucketOf(time: number, step: RollupStep): number {
  return Math.floor(time / STEP_MS[step]) * STEP_MS[step];
}
