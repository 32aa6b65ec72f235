import type { Logger } from 'pino';
import type { LnmtConfig } from '../core/config/schema.js';
import type { EventBus, SubscribeOptions, Subscription } from '../core/bus/event-bus.js';
import { makeEvent, type AnyEvent } from '../core/events.js';
import { NotifyChannelRepo } from '../store/repositories/notify-channel-repo.js';
import { NotifyLogRepo, type DeliveryLogQuery } from '../store/repositories/notify-log-repo.js';
import type { Store } from '../store/store.js';
import type { NotifyDeliveryRow } from '../store/tables/notify.js';
import type { Alert } from './alert.js';
import { ChannelCatalog, channelView, type ChannelView } from './channel-catalog.js';
import { DeliveryError, type ChannelType, type NotifierDeps } from './channel-type.js';
import { CHANNEL_TYPES } from './channels/index.js';
import { DeliveryLogWriter, logRow } from './delivery-log.js';
import type { DeliveryOutcome } from './delivery-queue.js';
import { Dispatcher } from './dispatcher.js';
import { checkRuleOverrides, ruleSettings, type RuleSettings } from './rule-settings.js';
import { storeRuleContext } from './rule-context.js';
import { builtinRules } from './rules/index.js';
import type { RuleContext, RuleRegistry } from './rules/rule.js';
import { Throttle } from './throttle.js';

const SWEEP_MS = 1000;
/** How often a running server re-reads the channel table (changes made by `lnmt notify` in another process). */
const RELOAD_MS = 5000;
const RETENTION_MS = 3_600_000;
/** On shutdown, queues get this long to drain before attempts in flight are aborted (`serve` allows 15 s in all). */
const STOP_GRACE_MS = 2000;

export interface NotificationServiceOptions {
  config: LnmtConfig;
  store: Store;
  bus: EventBus;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  types?: Readonly<Record<string, ChannelType<any>>>;
  rules?: RuleRegistry;
  ruleContext?: RuleContext;
  /** On stop, how long queues may drain before attempts in flight are aborted (default 2 s). */
  stopGraceMs?: number;
}

/** What `notify test` reports. */
export interface TestResult {
  channel: { id: string; name: string; type: string };
  status: 'sent' | 'failed';
  attempts: number;
  latency_ms: number;
  detail: string | null;
  error: string | null;
}

export interface RuleView extends RuleSettings {
  id: string;
  description: string;
  events: string[];
}

/**
 * Notifications for a process: the channel catalog (create/edit/test, used by the API and CLI in any process)
 * and, once started (`lnmt serve`), the delivery pipeline — bus subscriber, rules, throttle, one queue per
 * channel, the delivery log and its retention.
 */
export class NotificationService {
  readonly name = 'notify';
  readonly rules: RuleRegistry;
  readonly channels: ChannelCatalog;
  private readonly logRepo: NotifyLogRepo;
  private readonly log: DeliveryLogWriter;
  private readonly now: () => number;
  private readonly deps: NotifierDeps;
  private readonly types: Readonly<Record<string, ChannelType<any>>>;
  private dispatcher: Dispatcher | null = null;
  private sub: Subscription | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly logger: Logger;
  private readonly ruleContext: RuleContext;

  constructor(private readonly o: NotificationServiceOptions) {
    this.logger = o.logger.child({ component: 'notify' });
    this.now = o.now ?? Date.now;
    this.types = o.types ?? CHANNEL_TYPES;
    this.rules = o.rules ?? builtinRules();
    this.logRepo = new NotifyLogRepo(o.store.db);
    this.log = new DeliveryLogWriter(this.logRepo, this.logger);
    // Config mistakes (channels, tracked devices) fail here, when any command builds its context.
    this.ruleContext = o.ruleContext ?? storeRuleContext(o.store.db, o.config.notify, this.now);
    this.channels = new ChannelCatalog({ repo: new NotifyChannelRepo(o.store.db), config: o.config.notify, env: o.env ?? process.env, now: this.now, types: this.types });
    this.channels.onChange(() => this.reload().catch((err: unknown) => this.logger.error({ err }, 'notify: reloading channels failed')));
    this.deps = { fetch: o.fetch ?? globalThis.fetch, logger: o.logger, now: this.now, node: o.config.node.name, timeoutMs: o.config.notify.timeoutMs };
  }

  /** Starts delivering: subscribes to the bus and starts the sweep, reload and retention timers. */
  async start(): Promise<void> {
    const cfg = this.o.config.notify;
    checkRuleOverrides(this.rules, cfg);
    const throttle = new Throttle(this.now);
    const dispatcher = new Dispatcher({
      rules: this.rules,
      settingsOf: (rule) => ruleSettings(rule, cfg),
      ruleContext: this.ruleContext,
      throttle,
      log: this.log,
      types: this.types,
      notifierDeps: this.deps,
      queueSize: cfg.queueSize,
      retry: { retries: cfg.retries, baseMs: cfg.retryBaseMs, maxMs: cfg.retryMaxMs },
      onFailure: (out) => this.reportFailure(out),
      now: this.now,
      logger: this.logger,
    });
    this.dispatcher = dispatcher;
    dispatcher.refresh(await this.channels.list());
    this.sub = this.o.bus.subscribe({ name: 'notify', types: dispatcher.eventTypes() as SubscribeOptions['types'], maxBatch: 500 }, (events) => dispatcher.handle(events));
    const every = (ms: number, fn: () => unknown) => {
      const t = setInterval(() => void Promise.resolve().then(fn).catch((err: unknown) => this.logger.error({ err }, 'notify: periodic task failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    every(SWEEP_MS, () => dispatcher.sweep());
    every(RELOAD_MS, () => this.reload());
    every(RETENTION_MS, () => this.applyRetention());
    await this.applyRetention();
    this.logger.info({ channels: Object.keys(dispatcher.depths()).length, rules: this.rules.list().filter((r) => ruleSettings(r, cfg).enabled).map((r) => r.id) }, 'notifications started');
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.sub?.unsubscribe();
    this.sub = null;
    const dispatcher = this.dispatcher;
    this.dispatcher = null; // a reload still in flight now finds nothing to refresh
    await dispatcher?.stop(this.o.stopGraceMs ?? STOP_GRACE_MS);
    await this.log.flush();
  }

  /** Re-reads the channel list into the running dispatcher (no-op when not started). */
  async reload(): Promise<void> {
    if (!this.dispatcher) return;
    const defs = await this.channels.list();
    this.dispatcher?.refresh(defs); // re-read: stop() may have run meanwhile
  }

  /** Ends throttle windows now (also runs every second while started); returns the summaries sent. */
  sweep(): number {
    return this.dispatcher?.sweep() ?? 0;
  }

  /** Alerts waiting per channel name. */
  queueDepths(): Record<string, number> {
    return this.dispatcher?.depths() ?? {};
  }

  /** Writes the delivery-log rows collected so far. */
  flushLog(): Promise<void> {
    return this.log.flush();
  }

  view(def: Parameters<typeof channelView>[0]): ChannelView {
    return channelView(def, this.types);
  }

  rulesView(): RuleView[] {
    return this.rules.list().map((r) => ({ id: r.id, description: r.description, events: [...r.events], ...ruleSettings(r, this.o.config.notify) }));
  }

  /**
   * Sends a test message to one channel now, once (no queue, no retries, disabled channels too) and records
   * it in the delivery log under the rule `test`.
   */
  async test(ref: string, where: string): Promise<TestResult> {
    const def = await this.channels.get(ref, where);
    const channel = { id: def.id, name: def.name, type: def.type };
    const started = this.now();
    const alert = testAlert(def.name, this.deps.node, started);
    let status: 'sent' | 'failed' = 'failed';
    let detail: string | null = null;
    let error: string | null = def.problem;
    const type = this.types[def.type];
    if (type && def.settings !== null && def.problem === null) {
      const notifier = type.create(def.settings, this.deps);
      try {
        detail = (await notifier.send(alert, new AbortController().signal)).detail;
        status = 'sent';
        error = null;
      } catch (err) {
        error = err instanceof DeliveryError ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
      } finally {
        await notifier.close().catch(() => {});
      }
    }
    const latency = Math.max(0, this.now() - started);
    await this.logRepo.insertMany([logRow(channel, alert, { time: this.now(), status, attempts: 1, error, detail, latencyMs: latency })]);
    return { channel, status, attempts: 1, latency_ms: latency, detail, error };
  }

  deliveries(q: DeliveryLogQuery): Promise<{ items: NotifyDeliveryRow[]; total: number }> {
    return this.logRepo.page(q);
  }

  private reportFailure(out: DeliveryOutcome): void {
    this.logger.warn({ channel: out.channel.name, rule: out.alert.rule, key: out.alert.key, attempts: out.attempts, err: out.error }, 'notify: delivery failed for good');
    const ev = makeEvent('notification.failed', { channel: out.channel.name, channel_type: out.channel.type, event_id: out.alert.event?.id ?? null, attempts: out.attempts, error: out.error ?? 'unknown error' }, { sensor: this.o.config.node.name, now: this.now() });
    this.o.bus.publish([ev as AnyEvent]).catch((err: unknown) => this.logger.error({ err }, 'notify: publishing notification.failed failed'));
  }

  private async applyRetention(): Promise<void> {
    const before = this.now() - this.o.config.notify.logRetentionDays * 86_400_000;
    const n = await this.logRepo.deleteBefore(before);
    if (n > 0) this.logger.info({ deleted: n }, 'notify: delivery log retention');
  }
}

/** The message `lnmt notify test` sends. */
export function testAlert(channel: string, node: string, now: number): Alert {
  return {
    rule: 'test',
    key: `test:${channel}`,
    severity: 'info',
    title: 'LNMT test message',
    text: `This is a test message from LNMT on ${node} for the channel "${channel}". If you can read it, the channel works.`,
    device: null,
    check: null,
    tags: [],
    fields: { channel },
    time: new Date(now).toISOString(),
    event: null,
    suppressed: 0,
    summary: false,
  };
}
