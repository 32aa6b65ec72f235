import { resolve as resolvePath } from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus, Subscription } from '../core/bus/event-bus.js';
import type { LnmtConfig } from '../core/config/schema.js';
import { threatConfig, type ThreatConfig } from '../core/config/sections/threat.js';
import { uuidv7 } from '../core/ids.js';
import { systemClock, type Clock } from '../scheduler/clock.js';
import { CampaignRepo } from '../store/repositories/campaign-repo.js';
import { EventRepo } from '../store/repositories/event-repo.js';
import { ThreatAppliedRepo } from '../store/repositories/threat-applied-repo.js';
import { ThreatDetectionRepo } from '../store/repositories/threat-detection-repo.js';
import { ThreatLogRepo } from '../store/repositories/threat-log-repo.js';
import { ThreatOutboxRepo } from '../store/repositories/threat-outbox-repo.js';
import { ThreatProfileRepo } from '../store/repositories/threat-profile-repo.js';
import type { Store } from '../store/store.js';
import { DeviceIndex } from './device-index.js';
import { loadGeoLookup } from './geo/ip2asn-loader.js';
import { ThreatPipeline, type PipelineRepos } from './pipeline.js';
import { ReverseDns } from '../core/reverse-dns.js';
import type { GeoLookup } from './geo/geo-lookup.js';
import { RuleEngine } from './rules/rule-engine.js';
import { RulesSource } from './rules/rules-source.js';
import { THREAT_INPUT_TYPES } from './threat-event.js';
import { ThreatQueries } from './threat-queries.js';

export interface ThreatServiceDeps {
  store: Store;
  bus: EventBus;
  config: LnmtConfig;
  logger: Logger;
  clock?: Clock;
  /** Metrics registry to add the pipeline's gauges and counters to. */
  registry?: Registry;
  /** Write input events to the `events` table as well (default: true; the app turns it off when its archive subscriber does it). */
  archive?: boolean;
  /** Optional GeoIP/ASN lookup; when absent, `threat.geoip.files` are loaded if set (null: none). */
  geo?: GeoLookup | null;
  /** Durable consumer name on the bus (one per pipeline). */
  consumer?: string;
}

/** How long a source's PTR name (or its absence) is reused before asking again. */
const RDNS_TTL_MS = 3_600_000;

/** How often applied-event ids past their retention are pruned. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The threat detection service: the pipeline fed from the bus (`honeypot.*`, `canary.used`), the rules (file
 * watched for changes), the inventory index (refreshed on `device.*`), and the read side for the API and CLI.
 * `start()`/`stop()` make it a background service of `lnmt serve`; `queries` works without starting it.
 */
export class ThreatService {
  readonly name = 'threat';
  readonly cfg: ThreatConfig;
  readonly repos: PipelineRepos;
  readonly queries: ThreatQueries;
  private pipelineRef: ThreatPipeline | null = null;
  private rulesSource: RulesSource | null = null;
  private engine: RuleEngine | null = null;
  private readonly subs: Subscription[] = [];
  private cancelPrune: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly devices: DeviceIndex;
  private rdns: ReverseDns | null = null;

  constructor(private readonly deps: ThreatServiceDeps) {
    this.cfg = threatConfig(deps.config.threat);
    this.clock = deps.clock ?? systemClock;
    const { store } = deps;
    this.repos = {
      profiles: new ThreatProfileRepo(store.db, store.dialect),
      applied: new ThreatAppliedRepo(store.db, store.dialect),
      detections: new ThreatDetectionRepo(store.db),
      campaigns: new CampaignRepo(store.db, store.dialect),
      events: new EventRepo(store.db, store.dialect),
      outbox: new ThreatOutboxRepo(store.db),
      log: new ThreatLogRepo(store.db),
    };
    this.devices = new DeviceIndex(store.db);
    this.queries = new ThreatQueries({ repos: this.repos, store, halfLifeMs: this.cfg.halfLifeMs, clock: this.clock, devices: this.devices, live: (kind, key) => this.pipelineRef?.peekProfile(kind, key) });
  }

  /** The running pipeline (after `start()`). */
  get pipeline(): ThreatPipeline {
    if (!this.pipelineRef) throw new Error('threat pipeline not started');
    return this.pipelineRef;
  }

  get rules(): RuleEngine | null {
    return this.engine;
  }

  get rulesReloads(): { reloads: number; rejected: number } {
    return { reloads: this.rulesSource?.reloads ?? 0, rejected: this.rulesSource?.rejected ?? 0 };
  }

  async start(): Promise<void> {
    const { bus, logger, config } = this.deps;
    const log = logger.child({ component: 'threat' });
    const file = this.cfg.rulesFile ? resolvePath(this.cfg.rulesFile) : '';
    this.rulesSource = new RulesSource(file, log);
    const engine = new RuleEngine(await this.rulesSource.load(), { maxSources: Math.max(10_000, Math.min(this.cfg.hotProfiles, 200_000)), halfLifeMs: this.cfg.halfLifeMs });
    this.engine = engine;
    if (file && this.cfg.watchRules) this.rulesSource.watch((rules) => engine.replace(rules));
    const rdns = (this.rdns = this.cfg.reverseDns ? new ReverseDns({ timeoutMs: this.cfg.dnsTimeoutMs, maxEntries: this.cfg.dnsCacheSize, ttlMs: RDNS_TTL_MS, servers: config.scanner.dnsServers }) : null);
    let geo = this.deps.geo ?? null;
    if (this.deps.geo === undefined && this.cfg.geoip.files.length) {
      const db = await loadGeoLookup(this.cfg.geoip.files.map((f) => resolvePath(f)));
      log.info({ ranges: db.ranges, malformed: db.malformed, ...(db.malformed ? { samples: db.samples } : {}) }, 'threat pipeline: GeoIP/ASN database loaded');
      geo = db.lookup;
    }
    const pipeline = new ThreatPipeline({
      store: this.deps.store,
      repos: this.repos,
      config: this.cfg,
      rules: engine,
      devices: this.devices,
      clock: this.clock,
      logger: log,
      node: config.node.name,
      publish: (events) => bus.publish(events),
      archive: this.deps.archive ?? true,
      rdns,
      geo,
    });
    this.pipelineRef = pipeline;
    if (this.deps.registry) this.registerMetrics(this.deps.registry, pipeline);
    const recovered = await pipeline.recover();
    if (recovered.replayed) log.info({ events: recovered.replayed }, 'threat pipeline: profiles brought up to date from the batch log');
    if (recovered.warmed) log.info({ events: recovered.warmed }, 'threat pipeline: rule windows rebuilt from recent events');
    const republished = await pipeline.republish();
    if (republished) log.info({ detections: republished }, 'threat pipeline: published detections left by a previous run');
    this.subs.push(bus.subscribe({ name: this.deps.consumer ?? 'threat', types: [...THREAT_INPUT_TYPES], maxBatch: this.cfg.maxBatch }, (batch) => pipeline.ingest(batch)));
    this.subs.push(bus.subscribe({ name: `${this.deps.consumer ?? 'threat'}-devices`, types: ['device.*'], maxBatch: 1000 }, () => this.devices.markStale()));
    const prune = () => {
      const cutoff = uuidv7(this.clock.now() - this.cfg.dedupRetentionDays * 86_400_000).slice(0, 13);
      this.repos.applied.pruneBefore(cutoff).catch((err: unknown) => log.warn({ err }, 'threat pipeline: pruning applied ids failed'));
      this.cancelPrune = this.clock.setTimer(prune, PRUNE_EVERY_MS);
    };
    this.cancelPrune = this.clock.setTimer(prune, PRUNE_EVERY_MS);
  }

  async stop(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.unsubscribe();
    this.cancelPrune?.();
    this.rulesSource?.close();
    await this.pipelineRef?.close();
    this.rdns?.cancel();
  }

  private registerMetrics(registry: Registry, p: ThreatPipeline): void {
    // The same registry may see a second service in tests; prom-client refuses duplicate names.
    if (registry.getSingleMetric('lnmt_threat_queue_depth')) return;
    new Gauge({ name: 'lnmt_threat_queue_depth', help: 'Events queued for the threat pipeline', registers: [registry], collect() { this.set(p.depth); } });
    new Gauge({ name: 'lnmt_threat_hot_profiles', help: 'Attacker profiles and aggregates held in memory', registers: [registry], collect() { this.set(p.hotProfiles); } });
    new Counter({
      name: 'lnmt_threat_events_total',
      help: 'Events seen by the threat pipeline by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ outcome: 'applied' }, p.stats.applied);
        this.inc({ outcome: 'duplicate' }, p.stats.duplicates);
        this.inc({ outcome: 'invalid' }, p.stats.invalid);
      },
    });
    new Counter({ name: 'lnmt_threat_detections_total', help: 'threat.detected events emitted', registers: [registry], collect() { this.reset(); this.inc(p.stats.detections); } });
  }
}

/** Starts the threat pipeline on a store and a bus: the one entry point (`serve` wires it through the app context). */
export async function startThreatPipeline(deps: ThreatServiceDeps): Promise<ThreatService> {
  const svc = new ThreatService(deps);
  await svc.start();
  return svc;
}
