import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBus } from '../../core/bus/event-bus.js';
import { makeEvent, type AnyEvent, type EventPayloads, type HoneypotRef } from '../../core/events.js';
import { cowrieLine } from './cowrie-json.js';

/** Longest a log line waits to be written. */
const LOG_FLUSH_MS = 200;

type HoneypotType = Extract<keyof EventPayloads, `honeypot.${string}`>;
type Extra<T extends HoneypotType> = Omit<EventPayloads[T], keyof HoneypotRef>;

export interface EventSinkOptions {
  bus: EventBus;
  sensor: string;
  /** The JSON-lines log; null = none. */
  logPath: string | null;
  now?: () => number;
  /** Events waiting for the bus at most; beyond it new ones are dropped and counted (default 50,000). */
  maxPending?: number;
  /** Log bytes buffered at most when the disk is slow; beyond it lines are dropped and counted (default 8 MiB). */
  maxLogBuffer?: number;
}

/**
 * Where every honeypot event goes: the bus (and from there the store, detection and notifications) and the
 * Cowrie-compatible JSON-lines log. Events emitted in the same tick are published as one batch. Nothing here
 * waits on an attacker's connection, and memory stays bounded under a flood: past the caps events are dropped
 * and counted in `dropped`, never queued without limit.
 */
export class HoneypotEventSink {
  private batch: AnyEvent[] = [];
  private scheduled = false;
  /** Log lines not yet written (at most LOG_FLUSH_MS old). */
  private lines = '';
  private logTimer: NodeJS.Timeout | null = null;
  private pending = 0;
  private readonly log: WriteStream | null;
  private readonly now: () => number;
  readonly dropped = { bus: 0, log: 0 };
  emitted = 0;

  constructor(private readonly opts: EventSinkOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.logPath) {
      mkdirSync(dirname(opts.logPath), { recursive: true, mode: 0o700 });
      this.log = createWriteStream(opts.logPath, { flags: 'a', mode: 0o600 });
      this.log.on('error', () => {
        this.dropped.log++;
      });
    } else this.log = null;
  }

  emit<T extends HoneypotType>(type: T, ref: HoneypotRef, session: string, extra: Extra<T>): AnyEvent {
    const data = { ...ref, ...extra } as unknown as EventPayloads[T];
    const ev = makeEvent(type, data, { sensor: this.opts.sensor, now: this.now(), session, src: { ip: ref.src_ip, port: ref.src_port }, dst: { ip: ref.dst_ip, port: ref.dst_port } }) as AnyEvent;
    this.accept(ev);
    return ev;
  }

  /** Events a worker process made (workers/worker-pool.ts): logged and published here, as if emitted here. */
  forward(events: readonly AnyEvent[]): void {
    for (const ev of events) this.accept(ev);
  }

  private accept(ev: AnyEvent): void {
    this.emitted++;
    this.writeLog(ev);
    if (this.pending + this.batch.length >= (this.opts.maxPending ?? 50_000)) {
      this.dropped.bus++;
      return;
    }
    this.batch.push(ev);
    this.schedule();
  }

  /**
   * Publish at the end of this turn of the event loop (setImmediate, not a microtask): the events of every
   * connection handled in one poll phase go to the bus as one batch. The delay is well under a millisecond.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.batch.length) this.publish();
    });
  }

  private publish(): void {
    const events = this.batch;
    this.batch = [];
    this.pending += events.length;
    this.opts.bus.publish(events).then(
      () => {
        this.pending -= events.length;
      },
      () => {
        this.pending -= events.length;
        this.dropped.bus += events.length;
      },
    );
  }

  private writeLog(ev: AnyEvent): void {
    if (!this.log) return;
    const line = cowrieLine(ev);
    if (!line) return;
    if (this.log.writableLength + this.lines.length > (this.opts.maxLogBuffer ?? 8 * 1024 * 1024)) {
      this.dropped.log++;
      return;
    }
    this.lines += `${JSON.stringify(line)}\n`;
    // The log is for people and shippers, not for alerts: gather up to LOG_FLUSH_MS (or 64 KiB) per write, so a
    // flood costs a few writes a second instead of one per connection.
    if (this.lines.length >= 65_536) this.flushLog();
    else if (!this.logTimer) this.logTimer = setTimeout(() => this.flushLog(), LOG_FLUSH_MS);
  }

  private flushLog(): void {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    if (!this.log || !this.lines) return;
    this.log.write(this.lines);
    this.lines = '';
  }

  /** Events handed to the bus are accepted; the log is flushed. */
  async close(): Promise<void> {
    this.flushLog();
    if (this.batch.length) this.publish();
    while (this.pending > 0) await new Promise((r) => setTimeout(r, 5));
    if (this.log) await new Promise<void>((r) => this.log!.end(r));
  }
}
