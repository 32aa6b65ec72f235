/**
 * The scheduler's own bookkeeping in flight (a tick, the store writes around a run), so `idle()` can wait for
 * it. A job's body is not tracked: a test that waits for one advances its clock instead.
 */
export class PendingWork {
  private readonly work = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    const done = () => void this.work.delete(p);
    p.then(done, done);
    return p;
  }

  /** Resolves once nothing is tracked, after letting already-settled continuations run. */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (this.work.size === 0) return;
      await Promise.allSettled([...this.work]);
    }
  }
}
