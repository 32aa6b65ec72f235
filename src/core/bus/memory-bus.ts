import type { Logger } from 'pino';
import type { AnyEvent } from '../events.js';
import { typeMatcher, type BatchHandler, type BusStats, type EventBus, type SubscribeOptions, type Subscription } from './event-bus.js';

export interface MemoryBusOptions {
  /**
   * publish() waits while a subscriber that would receive some of its events has this many queued. Only those:
   * a subscriber that publishes other types from its handler (the threat pipeline publishes detections) must
   * not wait on its own full queue, which only its handler's return can drain.
   */
  highWaterMark?: number;
  /** Attempts per batch before it is dropped (logged). */
  maxAttempts?: number;
  logger?: Logger;
}

class Consumer {
  readonly queue: AnyEvent[] = [];
  running = false;
  closed = false;
  constructor(
    readonly name: string,
    readonly accepts: (type: string) => boolean,
    readonly handler: BatchHandler,
    readonly maxBatch: number,
  ) {}
}

/**
 * In-process bus for the embedded mode. Each subscriber has its own queue and is delivered in batches on the
 * next tick, so a slow subscriber never blocks a fast one; a failing batch is retried with backoff.
 */
export class MemoryBus implements EventBus {
  readonly kind = 'memory';
  private readonly consumers = new Set<Consumer>();
  private readonly hwm: number;
  private readonly maxAttempts: number;
  private readonly log: Logger | undefined;
  private waiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private counters = { published: 0, delivered: 0, redelivered: 0, dropped: 0 };

  constructor(opts: MemoryBusOptions = {}) {
    this.hwm = opts.highWaterMark ?? 100_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.log = opts.logger;
  }

  async publish(events: readonly AnyEvent[]): Promise<void> {
    if (events.length === 0) return;
    while (this.blocked(events)) await new Promise<void>((r) => this.waiters.push(r));
    this.counters.published += events.length;
    for (const c of this.consumers) {
      let added = false;
      for (const e of events) {
        if (c.accepts(e.type)) {
          c.queue.push(e);
          added = true;
        }
      }
      if (added) this.kick(c);
    }
  }

  subscribe(opts: SubscribeOptions, handler: BatchHandler): Subscription {
    const c = new Consumer(opts.name, typeMatcher(opts.types), handler, opts.maxBatch ?? 500);
    this.consumers.add(c);
    return {
      name: opts.name,
      unsubscribe: async () => {
        c.closed = true;
        this.consumers.delete(c);
        this.settle();
      },
    };
  }

  stats(): BusStats {
    let depth = 0;
    for (const c of this.consumers) depth += c.queue.length;
    return { queueDepth: depth, ...this.counters };
  }

  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async close(): Promise<void> {
    await this.drain();
    for (const c of this.consumers) c.closed = true;
    this.consumers.clear();
  }

  /** Whether a subscriber that accepts one of `events` is at the high-water mark. */
  private blocked(events: readonly AnyEvent[]): boolean {
    for (const c of this.consumers) {
      if (c.queue.length < this.hwm) continue;
      for (const e of events) if (c.accepts(e.type)) return true;
    }
    return false;
  }

  private isIdle(): boolean {
    for (const c of this.consumers) if (c.queue.length > 0 || c.running) return false;
    return true;
  }

  private kick(c: Consumer): void {
    if (c.running) return;
    c.running = true;
    setImmediate(() => void this.run(c));
  }

  private async run(c: Consumer): Promise<void> {
    while (!c.closed && c.queue.length > 0) {
      const batch = c.queue.slice(0, c.maxBatch);
      let attempt = 0;
      for (;;) {
        try {
          await c.handler(batch);
          this.counters.delivered += batch.length;
          break;
        } catch (err) {
          attempt++;
          if (attempt >= this.maxAttempts) {
            this.counters.dropped += batch.length;
            this.log?.error({ err, consumer: c.name, events: batch.length }, 'bus: batch dropped after retries');
            break;
          }
          this.counters.redelivered += batch.length;
          await new Promise((r) => setTimeout(r, Math.min(2000, 20 * 2 ** attempt)));
        }
      }
      c.queue.splice(0, batch.length);
      this.settle();
    }
    c.running = false;
    this.settle();
  }

  private settle(): void {
    // Each waiter checks again for its own events.
    if (this.waiters.length) {
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    }
    if (this.idleWaiters.length && this.isIdle()) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }
}
