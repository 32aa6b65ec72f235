import { resolve as resolvePath } from 'node:path';
import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../core/bus/event-bus.js';
import { MemoryBus } from '../core/bus/memory-bus.js';
import { EVENT_CATALOGUE, EVENT_TYPES } from '../core/events.js';
import type { LnmtConfig } from '../core/config/schema.js';
import { createMetrics, type Metrics } from '../core/metrics.js';
import { DeviceTracker } from '../inventory/device-tracker.js';
import { ScanService } from '../inventory/scan-service.js';
import { Sensor } from '../honeynet/sensor.js';
import { emulatedShell } from '../honeynet/shell-adapter.js';
import { loadOrCreatePersona } from '../honeynet/persona/persona-store.js';
import { Monitor } from '../monitor/monitor.js';
import { registerMonitorMetrics } from '../monitor/monitor-metrics.js';
import { NotificationService } from '../notify/notification-service.js';
import { ResponseService } from '../response/response-service.js';
import { getCheckType } from '../monitor/types/index.js';
import { createScheduler } from '../scheduler/create-scheduler.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { openStore } from '../store/open-store.js';
import { CheckRepo } from '../store/repositories/check-repo.js';
import { CheckResultRepo } from '../store/repositories/check-result-repo.js';
import { RollupRepo } from '../store/repositories/rollup-repo.js';
import { StateRepo } from '../store/repositories/state-repo.js';
import { HoneypotSessionRepo } from '../store/repositories/honeypot-session-repo.js';
import { DeviceRepo } from '../store/repositories/device-repo.js';
import { EventRepo } from '../store/repositories/event-repo.js';
import { ScanRepo } from '../store/repositories/scan-repo.js';
import { TokenRepo } from '../store/repositories/token-repo.js';
import type { Store } from '../store/store.js';
import { threatConfig } from '../core/config/sections/threat.js';
import { ThreatService } from '../threat/threat-service.js';

/** Health of a long-running part (listener, subscriber), reported by /api/health and `lnmt status`. */
export interface ComponentHealth {
  status: 'up' | 'down' | 'starting';
  detail?: string;
}

/** A long-running part started by `serve` (monitor loop, scheduler, notifier), stopped in reverse order. */
export interface BackgroundService {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Everything a process needs, wired once and passed in: entry points (CLI commands, `serve`) build one
 * context; nothing reads config or opens the store on its own.
 */
export interface AppContext {
  config: LnmtConfig;
  logger: Logger;
  store: Store;
  bus: EventBus;
  metrics: Metrics;
  repos: {
    devices: DeviceRepo;
    scans: ScanRepo;
    tokens: TokenRepo;
    events: EventRepo;
    checks: CheckRepo;
    checkResults: CheckResultRepo;
    rollups: RollupRepo;
    state: StateRepo;
    honeypotSessions: HoneypotSessionRepo;
  };
  tracker: DeviceTracker;
  scans: ScanService;
  /** Health checks: definitions, the scheduling loop (started by `serve`), history. */
  monitor: Monitor;
  /** The HoneyNet sensor (honeypot services; started by `serve` when `honeynet.enabled`). */
  sensor: Sensor;
  /** Notification channels (catalog, test, delivery log) and the alert pipeline (started by `serve`). */
  notify: NotificationService;
  /** Decisions (bans, tags), the blocklist and, when started, detections → decisions, expiry, nftables enforcement. */
  response: ResponseService;
  /** Jobs (definitions, manual runs, history, the job-type registry) and the job loop (started by `serve`). */
  scheduler: Scheduler;
  /** Threat detection: attacker profiles, rules, campaigns (pipeline started by `serve` when `threat.enabled`). */
  threat: ThreatService;
  components: Map<string, ComponentHealth>;
  /** Registered by each area in `createContext`; started only by `startBackground()` (serve), not by CLI commands. */
  background: BackgroundService[];
  startBackground(): Promise<void>;
  startedAt: number;
  close(): Promise<void>;
}

export interface CreateContextOptions {
  logger: Logger;
  bus?: EventBus;
  /** Persist every bus event to the `events` table (on in `serve`, off for short CLI commands). */
  persistEvents?: boolean;
}

export async function createContext(config: LnmtConfig, opts: CreateContextOptions): Promise<AppContext> {
  const { logger } = opts;
  const store = await openStore(config, logger, { longRunning: opts.persistEvents ?? true });
  const bus = opts.bus ?? new MemoryBus({ logger });
  const repos = {
    devices: new DeviceRepo(store.db, store.dialect),
    scans: new ScanRepo(store.db),
    tokens: new TokenRepo(store.db),
    events: new EventRepo(store.db, store.dialect),
    checks: new CheckRepo(store.db, store.dialect),
    checkResults: new CheckResultRepo(store.db, store.dialect),
    rollups: new RollupRepo(store.db, store.dialect),
    state: new StateRepo(store.db),
    honeypotSessions: new HoneypotSessionRepo(store.db, store.dialect),
  };
  let tracker: DeviceTracker | undefined;
  const metrics = createMetrics({ bus, writerDepth: () => tracker?.writeQueueDepth ?? 0 });
  tracker = new DeviceTracker({ store, devices: repos.devices, bus, sensor: config.node.name, batch: config.store.batch, onBatch: metrics.observeBatch, logger });
  const scans = new ScanService({ tracker, scans: repos.scans, bus, sensor: config.node.name, scanner: config.scanner, logger, metrics });
  // A scan this host's dead processes left `running` would otherwise show as running forever.
  const orphans = await repos.scans.failOrphans();
  if (orphans > 0) logger.warn({ scans: orphans }, 'marked scans of stopped processes as failed');
  const components = new Map<string, ComponentHealth>();
  components.set('store', { status: 'up', detail: `${store.dialect} ${store.location}` });
  components.set('bus', { status: 'up', detail: bus.kind });

  const subs: Subscription[] = [];
  if (opts.persistEvents ?? true) {
    // Every event lands in the store once (its id is the key), in one transaction per delivered batch.
    // Types with a table of their own (`check.result` → check_results) are not archived twice.
    const archived = EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].archive !== false);
    subs.push(bus.subscribe({ name: 'store', maxBatch: 2000, types: archived }, async (events) => {
      const t = performance.now();
      await store.db.transaction().execute((trx) => repos.events.insertMany(events, trx));
      metrics.observeBatch('events', events.length, (performance.now() - t) / 1000, true);
    }));
    // Honeypot sessions (one row each) follow their events, for the session list.
    subs.push(bus.subscribe({ name: 'honeypot-sessions', maxBatch: 2000, types: ['honeypot.*'] }, async (events) => {
      await store.db.transaction().execute((trx) => repos.honeypotSessions.apply(events, trx));
    }));
  }

  const monitor = new Monitor({
    store,
    repos: { checks: repos.checks, results: repos.checkResults, rollups: repos.rollups, state: repos.state, devices: repos.devices },
    bus,
    sensor: config.node.name,
    config: config.monitor,
    checkType: getCheckType,
    logger: logger.child({ component: 'monitor' }),
    batch: config.store.batch,
    onBatch: metrics.observeBatch,
  });
  registerMonitorMetrics(metrics.registry, monitor.service);
  const background: BackgroundService[] = [{ name: 'monitor', start: () => monitor.start(), stop: () => monitor.stop() }];
  // Before the sensor, so the pipeline is subscribed before the first honeypot event; the app's archive
  // subscriber already stores events when persistEvents is on.
  const threat = new ThreatService({ store, bus, config, logger, registry: metrics.registry, archive: !(opts.persistEvents ?? true) });
  if (threatConfig(config.threat).enabled) background.push(threat);
  const sensor = new Sensor({
    config,
    bus,
    logger: logger.child({ component: 'honeynet' }),
    persona: () => loadOrCreatePersona(resolvePath(config.dataDir)),
    services: { shell: emulatedShell() },
    onStatus: (name, st) => components.set(name, st),
  });
  if (config.honeynet.enabled) background.push(sensor);
  const notify = new NotificationService({ config, store, bus, logger });
  // First to start and last to stop, so alerts cover what the other services emit while starting and stopping.
  if (config.notify.enabled) background.unshift(notify);
  const response = new ResponseService({ config, store, bus, logger });
  // Its alert rules join the notifier's before the notifier subscribes (start reads the rule list).
  response.registerAlertRules(notify.rules);
  background.push(response);
  const scheduler = createScheduler({ store, bus, sensor: config.node.name, config: config.scheduler, logger, scans, monitor });
  // Last to start and first to stop: its jobs use the monitor and the scanner.
  if (config.scheduler.enabled) background.push(scheduler);
  const started: BackgroundService[] = [];

  return {
    config,
    logger,
    store,
    bus,
    metrics,
    repos,
    tracker,
    scans,
    monitor,
    sensor,
    notify,
    response,
    scheduler,
    threat,
    components,
    background,
    async startBackground() {
      for (const svc of background) {
        await svc.start();
        started.push(svc);
        components.set(svc.name, { status: 'up' });
      }
    },
    startedAt: Date.now(),
    async close() {
      for (const svc of started.reverse()) {
        await svc.stop().catch((err: unknown) => logger.error({ err, service: svc.name }, 'background service failed to stop cleanly'));
      }
      if (!started.includes(scheduler)) await scheduler.stop(); // ends manual runs (`jobs run`, the API) still in flight
      if (!started.some((svc) => svc.name === 'monitor')) await monitor.stop(); // closes the ICMP socket of `checks run`
      await scans.stopAll();
      await tracker!.flush();
      await bus.drain();
      for (const s of subs) await s.unsubscribe();
      await bus.close();
      await store.close();
    },
  };
}
