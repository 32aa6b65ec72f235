import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../core/bus/event-bus.js';
import type { LnmtConfig } from '../core/config/schema.js';
import type { RuleRegistry } from '../notify/rules/rule.js';
import type { Store } from '../store/store.js';
import type { AllowEntry } from './allowlist.js';
import { decisionAlertRule, threatAlertRule } from './alerts/threat-alert-rule.js';
import { BlocklistService } from './blocklist.js';
import { DecisionService } from './decision-service.js';
import { commandRunner, type NftRunner } from './enforce/nft-runner.js';
import { NftEnforcer } from './enforce/nft-enforcer.js';
import { responseSettings, type ResponseSettings } from './response-settings.js';

export interface ResponseServiceOptions {
  config: LnmtConfig;
  store: Store;
  bus: EventBus;
  logger: Logger;
  now?: () => number;
  /** How nft is run (tests run it inside a network namespace). */
  nftRunner?: NftRunner;
  ownNetworks?: () => AllowEntry[];
}

const PRUNE_MS = 3_600_000;

/**
 * The response area of a process: decisions and the blocklist (used by the API and CLI in any process) and,
 * once started (`serve`), the `threat.detected` subscriber, the expiry sweep, change-log retention and — when
 * `response.enforce.enabled` — the nftables enforcer.
 */
export class ResponseService {
  readonly name = 'response';
  readonly settings: ResponseSettings;
  readonly decisions: DecisionService;
  readonly blocklist: BlocklistService;
  enforcer: NftEnforcer | null = null;
  private sub: Subscription | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly logger: Logger;

  constructor(private readonly o: ResponseServiceOptions) {
    this.logger = o.logger.child({ component: 'response' });
    // Config mistakes (durations, allowlist entries) fail here, when any command builds its context.
    this.settings = responseSettings(o.config.response);
    const now = o.now ?? Date.now;
    this.decisions = new DecisionService({ store: o.store, bus: o.bus, settings: this.settings, sensor: o.config.node.name, logger: this.logger, now, ...(o.ownNetworks ? { ownNetworks: o.ownNetworks } : {}) });
    const e = this.settings.enforce;
    this.blocklist = new BlocklistService({ decisions: this.decisions, node: o.config.node.name, nft: { table: e.table, set: e.set, iface: e.iface }, now });
  }

  /** Adds the response's alert rules to the notifier (before it starts). */
  registerAlertRules(rules: RuleRegistry): void {
    rules.register(threatAlertRule);
    rules.register(decisionAlertRule);
  }

  async start(): Promise<void> {
    const s = this.settings;
    if (s.enabled) {
      this.sub = this.o.bus.subscribe({ name: 'response', types: ['threat.detected'], maxBatch: 500 }, async (events) => {
        await this.decisions.fromThreats(events);
      });
      this.every(s.sweepIntervalMs, () => this.decisions.sweep());
      this.every(PRUNE_MS, () => this.decisions.pruneChangeLog());
      await this.decisions.sweep();
    }
    if (s.enforce.enabled) {
      const e = s.enforce;
      this.enforcer = new NftEnforcer({ decisions: this.decisions, runner: this.o.nftRunner ?? commandRunner(), target: { table: e.table, set: e.set, iface: e.iface }, pollIntervalMs: e.pollIntervalMs, logger: this.logger, ...(this.o.now ? { now: this.o.now } : {}) });
      await this.enforcer.start();
      this.logger.info({ table: e.table, set: e.set, elements: this.enforcer.stats.elements }, 'response: nftables enforcement started');
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.sub?.unsubscribe();
    this.sub = null;
    await this.enforcer?.stop();
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    const t = setInterval(() => void fn().catch((err: unknown) => this.logger.error({ err }, 'response: periodic task failed')), ms);
    t.unref();
    this.timers.push(t);
  }
}
