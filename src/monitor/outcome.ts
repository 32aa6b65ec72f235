import type { CheckOutcome } from './check-type.js';

/** `0.04 ms`, `0.4 ms`, `12 ms`: two significant digits below 10 ms, where loopback and LAN round trips live. */
export function formatMs(ms: number): string {
  if (Math.round(ms * 100) < 100) return `${Math.round(ms * 100) / 100} ms`;
  if (Math.round(ms * 10) < 100) return `${Math.round(ms * 10) / 10} ms`;
  return `${Math.round(ms)} ms`;
}

/** Latency as stored: milliseconds with microsecond precision (what `performance.now()` differences carry). */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Text from the network shown in a message: JSON-quoted (control bytes escaped) and cut at `max` characters. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export function failed(message: string, details?: Record<string, unknown>, latencyMs: number | null = null): CheckOutcome {
  return details ? { ok: false, latencyMs, message, details } : { ok: false, latencyMs, message };
}

/**
 * Runs a check so that nothing escapes: `CheckType.run` must never throw, so an unexpected exception (a bug, or
 * parameters that bypassed validation) becomes a failed outcome that names it instead of killing the loop.
 */
export async function neverThrows(type: string, body: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await body();
  } catch (err) {
    const e = err as Error;
    return failed(`${type} check failed unexpectedly: ${e?.message ?? String(err)}`, { error: e?.name ?? 'Error' });
  }
}
