/**
 * Collects writes and commits them in one transaction per batch: flushed when `maxSize` items are waiting or
 * `maxDelayMs` after the first one arrived. `write()` resolves when the item's batch committed, so callers
 * get durability without paying one transaction each.
 */
export interface BatchWriterOptions<T> {
  name: string;
  maxSize: number;
  maxDelayMs: number;
  flush: (items: T[]) => Promise<void>;
  /** Observed after each commit: size and seconds, for the metrics. */
  onBatch?: (name: string, size: number, seconds: number, ok: boolean) => void;
}

interface Pending<T> {
  items: T[];
  resolvers: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

export class BatchWriter<T> {
  private pending: Pending<T> = { items: [], resolvers: [] };
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;

  constructor(private readonly opts: BatchWriterOptions<T>) {}

  /** Items waiting for a commit. */
  get depth(): number {
    return this.pending.items.length + this.inFlight;
  }

  write(items: T | T[]): Promise<void> {
    const arr = Array.isArray(items) ? items : [items];
    if (arr.length === 0) return this.chain; // nothing to commit: settles with what is already queued
    return new Promise<void>((resolve, reject) => {
      this.pending.items.push(...arr);
      this.pending.resolvers.push({ resolve, reject });
      if (this.pending.items.length >= this.opts.maxSize) this.flushNow();
      else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), this.opts.maxDelayMs);
    });
  }

  /**
   * Runs `fn` alone: after every batch queued so far has committed and before any batch queued later. For
   * work that must not interleave with batches (the device tracker's manual edits and index reloads).
   */
  exclusive<R>(fn: () => Promise<R>): Promise<R> {
    this.flushNow();
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Commits whatever is waiting and resolves when every write so far has committed. */
  async flush(): Promise<void> {
    this.flushNow();
    await this.chain;
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.items.length === 0) return;
    const batch = this.pending;
    this.pending = { items: [], resolvers: [] };
    this.inFlight += batch.items.length;
    // Batches commit one after another: SQLite has one writer anyway, and order is preserved.
    this.chain = this.chain.then(async () => {
      const t = performance.now();
      try {
        await this.opts.flush(batch.items);
        this.opts.onBatch?.(this.opts.name, batch.items.length, (performance.now() - t) / 1000, true);
        for (const r of batch.resolvers) r.resolve();
      } catch (err) {
        this.opts.onBatch?.(this.opts.name, batch.items.length, (performance.now() - t) / 1000, false);
        for (const r of batch.resolvers) r.reject(err);
      } finally {
        this.inFlight -= batch.items.length;
      }
    });
  }
}
