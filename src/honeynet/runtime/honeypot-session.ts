import type { Socket } from 'node:net';
import type { EventPayloads, HoneypotRef } from '../../core/events.js';
import { uuidv7 } from '../../core/ids.js';
import type { HoneypotEventSink } from './event-sink.js';

type HoneypotType = Extract<keyof EventPayloads, `honeypot.${string}`>;

export interface SessionLimits {
  idleTimeoutMs: number;
  maxSessionMs: number;
  maxBytesIn: number;
  maxBytesOut: number;
}

/**
 * One attacker connection as the runtime tracks it: its id (the `session` of every event), where it came from,
 * its timers (idle, maximum length) and byte caps. Services emit their events through it; the runtime emits
 * `honeypot.connect` and, exactly once however the connection ends, `honeypot.close`.
 */
export class HoneypotSession {
  readonly id: string;
  readonly startedAt: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly maxTimer: NodeJS.Timeout;
  private closed = false;
  private readonly closeHandlers: Array<(reason: string) => void> = [];
  private bytesIn = 0;

  constructor(
    readonly ref: HoneypotRef,
    readonly socket: Socket,
    private readonly sink: HoneypotEventSink,
    private readonly limits: SessionLimits,
    private readonly release: () => void,
    private readonly now: () => number = Date.now,
    /** Set by the primary when a worker process serves the connection (it allocated the id). */
    id?: string,
  ) {
    this.startedAt = now();
    this.id = id ?? uuidv7(this.startedAt);
    this.touch();
    this.maxTimer = setTimeout(() => this.close('session time limit'), limits.maxSessionMs);
    this.maxTimer.unref();
    socket.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      if (this.bytesIn > limits.maxBytesIn) this.close('input byte limit');
      else this.touch();
    });
    socket.on('close', () => this.close('connection closed'));
    socket.on('error', () => this.close('connection error'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Output sent to the client, for the byte cap; false (and the session closes) once it is exceeded. */
  noteOutput(): boolean {
    if (this.socket.bytesWritten > this.limits.maxBytesOut) {
      this.close('output byte limit');
      return false;
    }
    this.touch();
    return true;
  }

  /**
   * Sends to the client (nothing once the session is closed) and applies the output cap; false when the session
   * is closed or has just been closed by the cap. What every service writes goes through here.
   */
  write(data: string | Uint8Array): boolean {
    if (this.closed) return false;
    this.socket.write(data);
    return this.noteOutput();
  }

  /** Activity: restarts the idle timer. */
  touch(): void {
    if (this.closed) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.close('idle timeout'), this.limits.idleTimeoutMs);
      this.idleTimer.unref();
    }
  }

  emit<T extends HoneypotType>(type: T, extra: Omit<EventPayloads[T], keyof HoneypotRef>): void {
    this.sink.emit(type, this.ref, this.id, extra);
  }

  onClose(fn: (reason: string) => void): void {
    this.closeHandlers.push(fn);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    clearTimeout(this.maxTimer);
    for (const fn of this.closeHandlers) {
      try {
        fn(reason);
      } catch {
        /* a service's cleanup must not stop the close */
      }
    }
    this.socket.destroy();
    this.release();
    this.sink.emit('honeypot.close', this.ref, this.id, { duration_ms: this.now() - this.startedAt, bytes_in: this.socket.bytesRead, bytes_out: this.socket.bytesWritten, reason });
  }
}
