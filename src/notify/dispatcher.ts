import type { Logger } from 'pino';
import type { AnyEvent } from '../core/events.js';
import type { Alert } from './alert.js';
import type { ChannelDef } from './channel-catalog.js';
import type { ChannelType, NotifierDeps } from './channel-type.js';
import { outcomeRow, logRow, type DeliveryLogWriter } from './delivery-log.js';
import { DeliveryQueue, type DeliveryOutcome, type RetryPolicy } from './delivery-queue.js';
import { compileFilter, type CompiledFilter } from './filter.js';
import type { RuleSettings } from './rule-settings.js';
import type { AlertRule, RuleContext, RuleRegistry } from './rules/rule.js';
import type { Throttle } from './throttle.js';

export interface DispatcherOptions {
  rules: RuleRegistry;
  settingsOf(rule: AlertRule): RuleSettings;
  ruleContext: RuleContext;
  throttle: Throttle;
  log: DeliveryLogWriter;
  types: Readonly<Record<string, ChannelType<any>>>;
  notifierDeps: NotifierDeps;
  queueSize: number;
  retry: RetryPolicy;
  /** Reports a delivery that failed for good (the service publishes `notification.failed`). */
  onFailure(o: DeliveryOutcome): void;
  now(): number;
  logger: Logger;
}

interface ActiveChannel {
  def: ChannelDef;
  filter: CompiledFilter;
  /** Null for a channel that cannot deliver (`def.problem`); its alerts are logged as failed. */
  queue: DeliveryQueue | null;
}

/**
 * Events → rules → alerts → throttle → channel filters → one queue per channel. Nothing here waits for a
 * delivery: `handle` returns as soon as the alerts are queued, so the bus is never held up by a receiver.
 */
export class Dispatcher {
  private readonly channels = new Map<string, ActiveChannel>();
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly o: DispatcherOptions) {}

  /** Event types any registered rule reads (the bus subscription). */
  eventTypes(): string[] {
    return [...new Set(this.o.rules.list().flatMap((r) => r.events))];
  }

  /** The bus handler. A rule that throws is logged and skipped; the batch is never redelivered for it. */
  async handle(events: readonly AnyEvent[]): Promise<void> {
    for (const event of events) {
      for (const rule of this.o.rules.forEvent(event.type)) {
        const settings = this.o.settingsOf(rule);
        if (!settings.enabled) continue;
        let drafts;
        try {
          drafts = await rule.map(event, this.o.ruleContext);
        } catch (err) {
          this.o.logger.error({ err, rule: rule.id, event: event.id }, 'notify: alert rule failed on an event');
          continue;
        }
        for (const d of drafts) {
          const alert: Alert = {
            rule: rule.id,
            key: d.key,
            severity: d.severity,
            title: d.title,
            text: d.text,
            device: d.device ?? null,
            check: d.check ?? null,
            tags: d.tags ?? [],
            fields: d.fields ?? {},
            time: event.time,
            event: { id: event.id, type: event.type, time: event.time, sensor: event.sensor },
            suppressed: 0,
            summary: false,
          };
          this.admit(alert, settings.throttleMinutes * 60_000);
        }
      }
    }
  }

  private admit(alert: Alert, windowMs: number): void {
    const decision = this.o.throttle.admit(alert.key, windowMs, alert);
    if (decision.send) {
      this.route({ ...alert, suppressed: decision.suppressed });
      return;
    }
    const now = this.o.now();
    for (const ch of this.accepting(alert)) this.o.log.add(logRow(ch.def, alert, { time: now, status: 'suppressed', attempts: 0 }));
  }

  /** Sends the summaries of throttle windows that ended with alerts held back. */
  sweep(): number {
    const summaries = this.o.throttle.sweep();
    for (const s of summaries) this.route(s);
    return summaries.length;
  }

  private accepting(alert: Alert): ActiveChannel[] {
    return [...this.channels.values()].filter((ch) => ch.def.enabled && ch.filter.accepts(alert));
  }

  private route(alert: Alert): void {
    for (const ch of this.accepting(alert)) {
      if (ch.queue === null) {
        this.o.log.add(logRow(ch.def, alert, { time: this.o.now(), status: 'failed', attempts: 0, error: ch.def.problem }));
        continue;
      }
      if (!ch.queue.push(alert)) {
        const dropped = ch.queue.counts.dropped;
        if (dropped === 1 || dropped % 100 === 0) this.o.logger.warn({ channel: ch.def.name, dropped, queueSize: this.o.queueSize }, 'notify: channel queue full, alerts dropped');
        this.o.log.add(logRow(ch.def, alert, { time: this.o.now(), status: 'failed', attempts: 0, error: `queue full (${this.o.queueSize} alerts waiting, notify.queueSize): dropped` }));
      }
    }
  }

  /**
   * Brings the queues in line with the channel list: new channels get a queue, removed or edited ones have
   * theirs retired (drained for a moment in the background, then stopped), unchanged ones keep theirs.
   */
  refresh(defs: readonly ChannelDef[]): void {
    const seen = new Set<string>();
    for (const def of defs) {
      seen.add(def.id);
      const cur = this.channels.get(def.id);
      if (cur && sameVersion(cur.def, def)) continue;
      if (cur) this.retire(cur);
      this.channels.set(def.id, this.activate(def));
    }
    for (const [id, ch] of this.channels) {
      if (seen.has(id)) continue;
      this.channels.delete(id);
      this.retire(ch);
    }
  }

  private activate(def: ChannelDef): ActiveChannel {
    let filter: CompiledFilter;
    try {
      filter = compileFilter(def.filter);
    } catch (err) {
      return { def: { ...def, problem: `invalid filter: ${(err as Error).message}` }, filter: compileFilter({}), queue: null };
    }
    const type = this.o.types[def.type];
    if (!type || def.settings === null || def.problem !== null || !def.enabled) return { def, filter, queue: null };
    const notifier = type.create(def.settings, this.o.notifierDeps);
    const queue = new DeliveryQueue({
      channel: { id: def.id, name: def.name, type: def.type },
      notifier,
      maxSize: this.o.queueSize,
      retry: this.o.retry,
      now: this.o.now,
      logger: this.o.logger,
      onOutcome: (out) => {
        this.o.log.add(outcomeRow(out));
        if (out.status === 'failed') this.o.onFailure(out);
      },
    });
    return { def, filter, queue };
  }

  private retire(ch: ActiveChannel, graceMs = this.o.notifierDeps.timeoutMs): void {
    if (!ch.queue) return;
    const p = ch.queue.stop(graceMs).then((left) => this.logUndelivered(ch, left, 'not delivered: the channel was changed or removed'));
    this.retiring.add(p);
    void p.finally(() => this.retiring.delete(p));
  }

  private logUndelivered(ch: ActiveChannel, alerts: Alert[], why: string): void {
    const now = this.o.now();
    for (const a of alerts) this.o.log.add(logRow(ch.def, a, { time: now, status: 'failed', attempts: 0, error: why }));
  }

  /** Alerts waiting per channel name (for health and tests). */
  depths(): Record<string, number> {
    return Object.fromEntries([...this.channels.values()].map((c) => [c.def.name, c.queue?.depth ?? 0]));
  }

  /** Stops every queue: `graceMs` to drain, then the attempts in flight are aborted and the rest logged. */
  async stop(graceMs: number): Promise<void> {
    const all = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(all.map(async (ch) => {
      if (!ch.queue) return;
      this.logUndelivered(ch, await ch.queue.stop(graceMs), 'not delivered: lnmt stopped');
    }));
    await Promise.all([...this.retiring]);
  }
}

function sameVersion(a: ChannelDef, b: ChannelDef): boolean {
  return a.updatedAt === b.updatedAt && a.enabled === b.enabled && a.problem === b.problem && a.name === b.name;
}
