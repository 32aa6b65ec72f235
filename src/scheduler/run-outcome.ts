import { formatError } from '../core/errors.js';

/** The abort reason when a run exceeds its job's timeout: the run ends `timed_out`. */
export class RunTimeoutError extends Error {
  override readonly name = 'RunTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** The abort reason when the run is stopped from outside (scheduler stopping, job deleted, Ctrl-C). */
export class RunInterruptedError extends Error {
  override readonly name = 'RunInterruptedError';
}

/** Settles like `work`, or rejects with the signal's reason as soon as it aborts (a job that ignores its signal). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {}); // it may still fail after the abort: nobody is listening any more
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A run's error column: the message with its details and cause, as the CLI prints errors. */
export function errorText(err: unknown): string {
  return formatError(err).slice(0, 4000);
}

/** A job's summary as stored: a JSON object, or a note when it was not one. */
export function summaryText(summary: unknown): string | null {
  if (summary === undefined || summary === null) return null;
  const obj = typeof summary === 'object' && !Array.isArray(summary) ? summary : { value: summary };
  try {
    return JSON.stringify(obj);
  } catch (err) {
    return JSON.stringify({ note: `summary not storable as JSON: ${(err as Error).message}` });
  }
}

/** Delay before retry number `attempt` (the attempt that failed is `attempt - 1`): base, 2 × base, 4 × base, ... */
export function retryDelay(baseMs: number, failedAttempt: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(failedAttempt - 1, 40));
}
