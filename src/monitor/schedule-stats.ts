/**
 * How well the monitor keeps its schedule: runs, failures, and the drift (start time minus due time) of every
 * run in a fixed-size reservoir for percentiles, plus slots skipped because a run was still going or the
 * process was stalled. Read by the metrics endpoint and the `checks` benchmark.
 */
export class ScheduleStats {
  runs = 0;
  failures = 0;
  overlapped = 0;
  missed = 0;
  private readonly drift: number[] = [];
  private seen = 0;

  constructor(private readonly capacity = 100_000) {}

  observeDrift(ms: number): void {
    this.seen++;
    if (this.drift.length < this.capacity) this.drift.push(ms);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.capacity) this.drift[j] = ms;
    }
  }

  /** Drift percentile in ms (q in [0, 1]); null before any run. */
  driftQuantile(q: number): number | null {
    if (this.drift.length === 0) return null;
    const sorted = [...this.drift].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  }

  reset(): void {
    this.runs = this.failures = this.overlapped = this.missed = this.seen = 0;
    this.drift.length = 0;
  }
}
