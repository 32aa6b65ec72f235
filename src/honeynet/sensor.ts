import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import type { LnmtConfig } from '../core/config/schema.js';
import type { Persona } from './persona/persona.js';
import { ConnectionLimits } from './runtime/connection-limits.js';
import { HoneypotEventSink } from './runtime/event-sink.js';
import type { ServiceHandler } from './runtime/honeypot-service.js';
import { recordingsDir } from './runtime/recording-path.js';
import { prepareServices, startService } from './runtime/start-service.js';
import { listenAdmitting, listenTcp } from './runtime/tcp-listener.js';
import { listenPlan } from './listen-plan.js';
import { serveSettings, sharedServiceContext } from './sensor-context.js';
import { quarantineDir, sensorPath } from './sensor-paths.js';
import type { ServiceDeps } from './services/index.js';
import { honeypotServices } from './services/index.js';
import { isRoot, lookupSystemUser, type SystemUser } from './workers/system-user.js';
import { WorkerPool } from './workers/worker-pool.js';

export interface SensorDeps {
  config: LnmtConfig;
  bus: EventBus;
  logger: Logger;
  persona: () => Promise<Persona>;
  /** For services run in this process (worker processes build their own: the emulated shell). */
  services: ServiceDeps;
  /** Base for relative paths (the data dir is relative to it). */
  cwd?: string;
  now?: () => number;
  /** Reports each service's state for /api/health and `lnmt status`. */
  onStatus?: (service: string, status: { status: 'up' | 'down'; detail: string }) => void;
}

interface Bound {
  service: string;
  address: { address: string; port: number };
  close(): Promise<void>;
}

/**
 * The HoneyNet sensor: every enabled honeypot service on its port, sharing one set of connection limits, one
 * event sink (bus + JSON lines), one quarantine and one recordings directory. A service whose port cannot be
 * bound is reported down and the others run on: one busy port does not take the sensor down.
 *
 * With `honeynet.workers` > 1, or when started as root with `honeynet.user`, the protocol code runs in worker
 * processes (workers/): this process binds, accepts without reading, applies the limits and hands each socket
 * over. Attacker bytes are then only ever parsed by an unprivileged process.
 */
export class Sensor {
  private readonly listeners: Bound[] = [];
  private readonly handlers: ServiceHandler[] = [];
  private sink: HoneypotEventSink | null = null;
  private pool: WorkerPool | null = null;
  readonly name = 'honeynet';

  constructor(private readonly deps: SensorDeps) {}

  get addresses(): Array<{ service: string; address: string; port: number }> {
    return this.listeners.map((l) => ({ service: l.service, ...l.address }));
  }

  /** The worker processes and their open sessions (empty when the services run in this process). */
  workerLoad(): ReturnType<WorkerPool['load']> {
    return this.pool?.load() ?? [];
  }

  async start(): Promise<void> {
    const { config, logger } = this.deps;
    const hn = config.honeynet;
    const cwd = this.deps.cwd ?? process.cwd();
    if (!hn.enabled) return;
    const plan = listenPlan(hn, honeypotServices(this.deps.services));
    if (plan.ports.length === 0) return;
    const persona = await this.deps.persona();
    const now = this.deps.now ?? Date.now;
    const user = this.workerUser();
    this.sink = new HoneypotEventSink({ bus: this.deps.bus, sensor: config.node.name, logPath: hn.logFile ? sensorPath(config, hn.logFile, cwd) : null, now });
    const limits = new ConnectionLimits({ maxConnections: hn.limits.maxConnections, maxPerIp: hn.limits.maxPerIp, connectsPerMinutePerIp: hn.limits.connectsPerMinutePerIp }, now);
    const inWorkers = hn.workers > 1 || user !== null;
    const prepared = await prepareServices(plan.services, persona, now);
    if (inWorkers) {
      if (user) this.prepareDirsFor(user, cwd);
      this.pool = new WorkerPool({ count: hn.workers, config, persona, prepared, cwd, sink: this.sink, logger, user, now, onStatus: (st) => this.deps.onStatus?.('honeypot:workers', st) });
      try {
        await this.pool.start();
      } catch (err) {
        // Do not leave the others running (or restarting) behind a sensor that failed to start.
        await this.pool.stop();
        this.pool = null;
        throw err;
      }
    }
    // Services run here only without workers (the workers build their own).
    const shared = inWorkers ? null : sharedServiceContext({ config, cwd, persona, sink: this.sink, logger, now });
    const handlers = new Map<string, ServiceHandler>();
    for (const planned of plan.ports) {
      const where = { service: planned.label, bind: planned.bind, port: planned.port, limits, sink: this.sink, ...(planned.connectDetail ? { connectDetail: planned.connectDetail } : {}) };
      const status = planned.key === 'decoy' ? null : `honeypot:${planned.label}`;
      try {
        let bound: Bound;
        if (this.pool) {
          const pool = this.pool;
          const { server, address } = await listenAdmitting({ ...where, paused: true }, (socket, ref, release) => pool.dispatch(planned.key, socket, ref, release));
          // Stop accepting; not server.close's callback: Node counts handed-over sockets as this server's
          // connections until the worker ends them, and the workers are stopped after the listeners.
          bound = { service: planned.label, address, close: async () => void server.close() };
        } else {
          let handler = handlers.get(planned.key);
          if (!handler) {
            const { service, settings } = plan.services.get(planned.key)!;
            handler = await startService(service, settings, shared!, prepared[planned.key]);
            handlers.set(planned.key, handler);
            this.handlers.push(handler);
          }
          bound = await listenTcp({ ...where, ...serveSettings(hn), handler, now });
        }
        this.listeners.push(bound);
        if (status) this.deps.onStatus?.(status, { status: 'up', detail: `${bound.address.address}:${bound.address.port}` });
        if (status) logger.info({ service: planned.label, address: bound.address }, 'honeypot service listening');
      } catch (err) {
        const detail = `cannot listen on ${planned.bind}:${planned.port}: ${(err as Error).message}`;
        if (status) this.deps.onStatus?.(status, { status: 'down', detail });
        logger.error({ service: planned.label, err: (err as Error).message }, `honeypot ${planned.key === 'decoy' ? 'decoy' : `service ${planned.label}`} is down: ${detail} (config ${planned.configKey})`);
      }
    }
    const decoys = this.listeners.filter((l) => l.service === 'decoy').length;
    const planned = plan.ports.filter((p) => p.key === 'decoy').length;
    if (planned > 0) {
      this.deps.onStatus?.('honeypot:decoys', { status: decoys === planned ? 'up' : 'down', detail: `${decoys} of ${planned} decoy ports listening` });
      logger.info({ decoys, planned }, 'honeypot decoys listening');
    }
  }

  /** `honeynet.user` when it can be applied (started as root); a warning when it cannot. */
  private workerUser(): SystemUser | null {
    const name = this.deps.config.honeynet.user;
    if (!name) return null;
    if (!isRoot()) {
      this.deps.logger.warn({ user: name }, 'honeynet.user is set but the sensor was not started as root: the services run as the current user');
      return null;
    }
    return lookupSystemUser(name);
  }

  /**
   * The worker user writes uploads and transcripts and nothing else: those two directories become its own
   * (0700), and the directories above them get the search bit for others (traverse, not list) so it can reach
   * them.
   */
  private prepareDirsFor(user: SystemUser, cwd: string): void {
    const { config } = this.deps;
    for (const dir of [quarantineDir(config, cwd), recordingsDir(config, cwd)]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chownSync(dir, user.uid, user.gid);
      chmodSync(dir, 0o700);
      for (let up = dirname(dir); up !== dirname(up); up = dirname(up)) {
        const mode = statSync(up).mode & 0o7777;
        if ((mode & 0o001) !== 0) continue;
        chmodSync(up, mode | 0o001);
        this.deps.logger.info({ dir: up, mode: (mode | 0o001).toString(8) }, `search permission added for others so the sensor workers (${user.name}) can reach ${dir}`);
      }
    }
  }

  async stop(): Promise<void> {
    for (const l of this.listeners.splice(0)) await l.close();
    await this.pool?.stop();
    this.pool = null;
    for (const h of this.handlers.splice(0)) await h.stop().catch(() => {});
    await this.sink?.close();
    this.sink = null;
  }
}
