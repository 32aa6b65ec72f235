import type { Alert } from './alert.js';

interface KeyWindow {
  until: number;
  windowMs: number;
  suppressed: number;
  latest: Alert | null;
}

export type ThrottleDecision = { send: true; suppressed: number } | { send: false };

/** Keys tracked at most; beyond it the oldest window is forgotten (its count is lost, never memory). */
const MAX_KEYS = 100_000;

/**
 * One alert per key per window. The first alert for a key opens a window and is sent; the others inside it
 * are held back and counted. The count reaches the user either with the next alert for the key after the
 * window (`suppressed: n`), or — when nothing else comes — as a summary from `sweep()` at the window's end,
 * which opens a new window, so a continuous flood yields one alert per window. The clock is passed in.
 */
export class Throttle {
  private readonly windows = new Map<string, KeyWindow>();

  constructor(private readonly now: () => number) {}

  admit(key: string, windowMs: number, alert: Alert): ThrottleDecision {
    const now = this.now();
    const w = this.windows.get(key);
    if (w && now < w.until) {
      w.suppressed++;
      w.latest = alert;
      return { send: false };
    }
    // A window that ended before sweep() saw it: its count goes with this alert instead of a summary.
    const carried = w ? w.suppressed : 0;
    this.windows.delete(key);
    if (windowMs > 0) {
      if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
      this.windows.set(key, { until: now + windowMs, windowMs, suppressed: 0, latest: null });
    }
    return { send: true, suppressed: carried };
  }

  /** Ends the windows that are over: a summary for each that held alerts back, the rest are forgotten. */
  sweep(): Alert[] {
    const now = this.now();
    const summaries: Alert[] = [];
    for (const [key, w] of this.windows) {
      if (now < w.until) continue;
      if (w.suppressed === 0 || !w.latest) {
        this.windows.delete(key);
        continue;
      }
      summaries.push({ ...w.latest, suppressed: w.suppressed, summary: true });
      w.until = now + w.windowMs;
      w.suppressed = 0;
      w.latest = null;
    }
    return summaries;
  }

  get size(): number {
    return this.windows.size;
  }
}
