import type { Logger } from 'pino';
import type { NotifyDeliveryInsert, NotifyLogRepo } from '../store/repositories/notify-log-repo.js';
import type { Alert } from './alert.js';
import type { ChannelIdentity, DeliveryOutcome } from './delivery-queue.js';

/** Rows waiting for the store at most; beyond it rows are dropped (counted, logged) rather than held. */
const MAX_PENDING = 10_000;
const FLUSH_ROWS = 500;
const FLUSH_MS = 200;

/** A delivery-log row for an outcome, a suppressed alert or an alert that never got a queue slot. */
export function logRow(
  channel: ChannelIdentity,
  alert: Alert,
  r: { time: number; status: 'sent' | 'failed' | 'suppressed'; attempts: number; error?: string | null; detail?: string | null; latencyMs?: number | null },
): NotifyDeliveryInsert {
  return {
    time: r.time,
    channel_id: channel.id,
    channel_name: channel.name,
    channel_type: channel.type,
    rule: alert.rule,
    alert_key: alert.key,
    severity: alert.severity,
    title: alert.title,
    event_id: alert.event?.id ?? null,
    status: r.status,
    attempts: r.attempts,
    error: r.error ?? null,
    detail: r.detail ?? null,
    latency_ms: r.latencyMs ?? null,
  };
}

export function outcomeRow(o: DeliveryOutcome): NotifyDeliveryInsert {
  return logRow(o.channel, o.alert, { time: o.time, status: o.status, attempts: o.attempts, error: o.error, detail: o.detail, latencyMs: o.latencyMs });
}

/** Collects delivery-log rows and writes them in batches (every 200 ms or 500 rows), off the delivery path. */
export class DeliveryLogWriter {
  private pending: NotifyDeliveryInsert[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  dropped = 0;

  constructor(private readonly repo: NotifyLogRepo, private readonly logger: Logger) {}

  add(row: NotifyDeliveryInsert): void {
    if (this.pending.length >= MAX_PENDING) {
      if (this.dropped++ % 1000 === 0) this.logger.error({ dropped: this.dropped }, 'notify: delivery log rows dropped: the store is not keeping up');
      return;
    }
    this.pending.push(row);
    if (this.pending.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything added so far; resolves when it is stored (failures are logged, not thrown). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (rows.length === 0) return;
      try {
        await this.repo.insertMany(rows);
      } catch (err) {
        this.logger.error({ err, rows: rows.length }, 'notify: writing the delivery log failed');
      }
    });
    return this.writing;
  }
}
