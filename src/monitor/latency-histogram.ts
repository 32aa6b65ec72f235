/**
 * A mergeable latency histogram: log-scale buckets 10 % wide from 0.01 ms to ~17 minutes, stored sparse as
 * `index:count,...`. Minute aggregates keep one, so the p95 of an hour, a day or any window is the p95 of the
 * merged histograms (within ~5 % of the exact value) rather than a guess from per-bucket p95s.
 */
const BASE_MS = 0.01;
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
const MAX_INDEX = 200;

export function bucketIndex(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(MAX_INDEX, Math.floor(Math.log(ms / BASE_MS) / LOG_GROWTH) + 1);
}

/** The representative value of a bucket (its geometric middle). */
export function bucketValue(index: number): number {
  if (index <= 0) return BASE_MS;
  return BASE_MS * Math.pow(GROWTH, index - 0.5);
}

export class LatencyHistogram {
  readonly counts = new Map<number, number>();
  total = 0;

  add(ms: number, n = 1): void {
    const i = bucketIndex(ms);
    this.counts.set(i, (this.counts.get(i) ?? 0) + n);
    this.total += n;
  }

  merge(other: LatencyHistogram): void {
    for (const [i, n] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + n);
    this.total += other.total;
  }

  /** q in (0, 1]; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(i)!;
      if (seen >= rank) return bucketValue(i);
    }
    return null;
  }

  encode(): string {
    const parts: string[] = [];
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) parts.push(`${i}:${this.counts.get(i)}`);
    return parts.join(',');
  }

  static decode(text: string | null | undefined): LatencyHistogram {
    const h = new LatencyHistogram();
    if (!text) return h;
    for (const part of text.split(',')) {
      const sep = part.indexOf(':');
      const i = Number(part.slice(0, sep));
      const n = Number(part.slice(sep + 1));
      if (Number.isInteger(i) && Number.isInteger(n) && n > 0) {
        h.counts.set(i, (h.counts.get(i) ?? 0) + n);
        h.total += n;
      }
    }
    return h;
  }
}
