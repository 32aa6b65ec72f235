/**
 * A run's time budget: its signal aborts at `timeoutMs` or when the monitor's own signal fires, whichever comes
 * first. The monitor also aborts at the timeout; the type keeps its own timer so that a run is bounded even when
 * called directly (`lnmt checks run`, tests). `dispose()` clears the timer and the listener on every path.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Milliseconds since the deadline started. */
  elapsed(): number;
  /** Milliseconds left (0 once passed). */
  remaining(): number;
  /** True when the run was stopped by its timeout rather than by the monitor stopping. */
  timedOut(): boolean;
  dispose(): void;
}

export function startDeadline(timeoutMs: number, outer: AbortSignal): Deadline {
  const start = performance.now();
  const ctl = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    ctl.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onOuter = (): void => ctl.abort(outer.reason);
  if (outer.aborted) onOuter();
  else outer.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ctl.signal,
    timeoutMs,
    elapsed: () => performance.now() - start,
    remaining: () => Math.max(0, timeoutMs - (performance.now() - start)),
    timedOut: () => expired || (outer.aborted && (outer.reason as Error | undefined)?.name === 'TimeoutError'),
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
    },
  };
}

/** Settles like `p`, or rejects with the signal's reason as soon as it aborts (for work that cannot be cancelled). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** The message for a run stopped early: `no answer within 1000 ms` or `cancelled (monitor stopping)`. */
export function stoppedMessage(d: Deadline, what = 'no answer'): string {
  return d.timedOut() ? `${what} within ${d.timeoutMs} ms` : 'cancelled (monitor stopping)';
}
