import type { Logger } from 'pino';
import type { Alert } from './alert.js';
import { DeliveryError, type Notifier } from './channel-type.js';

/** The channel a queue delivers to, as the log and events name it. */
export interface ChannelIdentity {
  id: string;
  name: string;
  type: string;
}

/** The final outcome of one alert on one channel. */
export interface DeliveryOutcome {
  channel: ChannelIdentity;
  alert: Alert;
  status: 'sent' | 'failed';
  attempts: number;
  error: string | null;
  detail: string | null;
  /** From queueing to this outcome (ms), retries included. */
  latencyMs: number;
  /** When the outcome was reached (epoch ms). */
  time: number;
}

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export interface DeliveryQueueOptions {
  channel: ChannelIdentity;
  notifier: Notifier;
  maxSize: number;
  retry: RetryPolicy;
  now(): number;
  onOutcome(o: DeliveryOutcome): void;
  logger: Logger;
}

/** Wait before retry `n` (1-based): base × 2^(n-1), capped; longer when the receiver asked (Retry-After). */
export function backoffMs(n: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
  return retryAfterMs === undefined ? exp : Math.max(exp, Math.min(retryAfterMs, policy.maxMs));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * One channel's queue: bounded, delivered in order by a single worker, each alert retried with exponential
 * backoff while the failure is retryable. Every channel has its own, so a dead or slow receiver only ever
 * delays its own alerts. When full, new alerts are refused (the caller logs them) — memory stays bounded.
 */
export class DeliveryQueue {
  /** `items[0]` is the alert in flight while the worker runs. */
  private readonly items: Array<{ alert: Alert; queuedAt: number }> = [];
  private running = false;
  private stopping = false;
  private readonly abort = new AbortController();
  private idle: Promise<void> = Promise.resolve();
  readonly counts = { sent: 0, failed: 0, dropped: 0 };

  constructor(private readonly o: DeliveryQueueOptions) {}

  /** Alerts not yet delivered, the one in flight included. */
  get depth(): number {
    return this.items.length;
  }

  /** Queues an alert; false when `maxSize` alerts already wait (besides the one in flight) or when stopping. */
  push(alert: Alert): boolean {
    const waiting = this.items.length - (this.running ? 1 : 0);
    if (this.stopping || waiting >= this.o.maxSize) {
      this.counts.dropped++;
      return false;
    }
    this.items.push({ alert, queuedAt: this.o.now() });
    if (!this.running) {
      this.running = true;
      this.idle = this.work();
    }
    return true;
  }

  /**
   * Stops taking alerts, lets the queue drain for up to `graceMs`, then aborts the attempt in flight. Returns
   * the alerts never delivered (the caller logs them).
   */
  async stop(graceMs: number): Promise<Alert[]> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.abort.abort();
    // Every notifier honours the abort; the bound only guards against one that does not.
    await Promise.race([this.idle, new Promise<void>((r) => setTimeout(r, 1000).unref())]);
    await this.o.notifier.close().catch((err: unknown) => this.o.logger.warn({ err, channel: this.o.channel.name }, 'closing a notifier failed'));
    return this.items.splice(0).map((i) => i.alert);
  }

  private async work(): Promise<void> {
    for (;;) {
      const next = this.items[0];
      if (!next || this.abort.signal.aborted) break;
      const outcome = await this.deliver(next.alert, next.queuedAt);
      if (this.abort.signal.aborted && outcome.status === 'failed') break; // left in the queue: reported by stop()
      this.items.shift();
      this.counts[outcome.status]++;
      try {
        this.o.onOutcome(outcome);
      } catch (err) {
        this.o.logger.error({ err, channel: this.o.channel.name }, 'recording a delivery outcome failed');
      }
    }
    this.running = false;
  }

  private async deliver(alert: Alert, queuedAt: number): Promise<DeliveryOutcome> {
    const { retry, notifier, channel } = this.o;
    const signal = this.abort.signal;
    let attempts = 0;
    let lastError = '';
    for (;;) {
      attempts++;
      try {
        const r = await notifier.send(alert, signal);
        return this.outcome(alert, queuedAt, 'sent', attempts, null, r.detail);
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err), true, { cause: err });
        lastError = e.message;
        if (!e.retryable || attempts > retry.retries || signal.aborted) break;
        const wait = backoffMs(attempts, retry, e.retryAfterMs);
        this.o.logger.debug({ channel: channel.name, attempt: attempts, waitMs: wait, err: e.message }, 'delivery failed; retrying');
        await sleep(wait, signal);
        if (signal.aborted) break;
      }
    }
    return this.outcome(alert, queuedAt, 'failed', attempts, lastError, null);
  }

  private outcome(alert: Alert, queuedAt: number, status: 'sent' | 'failed', attempts: number, error: string | null, detail: string | null): DeliveryOutcome {
    const time = this.o.now();
    return { channel: this.o.channel, alert, status, attempts, error, detail, latencyMs: Math.max(0, time - queuedAt), time };
  }
}
