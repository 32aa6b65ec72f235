import type { Clock } from '../../src/scheduler/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told. `advance` fires every timer that falls due on the way, in time order,
 * and after each instant waits for `settle` (the schedulers' bookkeeping) so that timers armed in response
 * are fired too, as real time would.
 */
export class ManualClock implements Clock {
  private readonly timers = new Set<Timer>();
  private seq = 0;
  private settle: () => Promise<void> = async () => {};

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return () => void this.timers.delete(timer);
  }

  /** What to wait for after each timer fires (e.g. every scheduler's `idle()`). */
  onSettle(fn: () => Promise<void>): void {
    this.settle = fn;
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  /**
   * Timers due at the same instant fire together before settling, so two schedulers armed for the same time
   * really race (their store calls interleave), as they would on two hosts.
   */
  async advanceTo(target: number): Promise<void> {
    await this.settle();
    for (let rounds = 0; ; rounds++) {
      if (rounds > 100_000) throw new Error('ManualClock: more than 100000 rounds of timers in one advance (a timer loop?)');
      let first = Infinity;
      for (const tm of this.timers) if (tm.at <= target) first = Math.min(first, tm.at);
      if (first === Infinity) break;
      const due = [...this.timers].filter((tm) => tm.at === first).sort((a, b) => a.seq - b.seq);
      this.t = Math.max(this.t, first);
      for (const tm of due) {
        this.timers.delete(tm);
        tm.fn();
      }
      await this.settle();
    }
    this.t = Math.max(this.t, target);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}
