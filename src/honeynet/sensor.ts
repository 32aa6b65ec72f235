import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import type { LnmtConfig } from '../core/config/schema.js';
import type { Persona } from './persona/persona.js';
import { ConnectionLimits } from './runtime/connection-limits.js';
import { HoneypotEventSink } from './runtime/event-sink.js';
import type { ServiceHandler } from './runtime/honeypot-service.js';
import { Quarantine } from './runtime/quarantine.js';
import { recordingsDir } from './runtime/recording-path.js';
import { listenTcp, type RunningListener } from './runtime/tcp-listener.js';
import type { ServiceDeps } from './services/index.js';
import { honeypotServices } from './services/index.js';

export interface SensorDeps {
  config: LnmtConfig;
  bus: EventBus;
  logger: Logger;
  persona: () => Promise<Persona>;
  services: ServiceDeps;
  /** Base for relative paths (the data dir is relative to it). */
  cwd?: string;
  now?: () => number;
  /** Reports each service's state for /api/health and `lnmt status`. */
  onStatus?: (service: string, status: { status: 'up' | 'down'; detail: string }) => void;
}

/**
 * The HoneyNet sensor: every enabled honeypot service on its port, sharing one set of connection limits, one
 * event sink (bus + JSON lines), one quarantine and one recordings directory. A service whose port cannot be
 * bound is reported down and the others run on: one busy port does not take the sensor down.
 */
export class Sensor {
  private readonly listeners: RunningListener[] = [];
  private readonly handlers: ServiceHandler[] = [];
  private sink: HoneypotEventSink | null = null;
  readonly name = 'honeynet';

  constructor(private readonly deps: SensorDeps) {}

  private path(p: string): string {
    const { config } = this.deps;
    return isAbsolute(p) ? p : resolve(this.deps.cwd ?? process.cwd(), config.dataDir, p);
  }

  get addresses(): Array<{ service: string; address: string; port: number }> {
    return this.listeners.map((l) => ({ service: l.service, ...l.address }));
  }

  async start(): Promise<void> {
    const { config, logger } = this.deps;
    const hn = config.honeynet;
    const enabled = Object.entries(hn.services).filter(([, s]) => s.enabled);
    if (!hn.enabled || enabled.length === 0) return;
    const persona = await this.deps.persona();
    const now = this.deps.now ?? Date.now;
    this.sink = new HoneypotEventSink({ bus: this.deps.bus, sensor: config.node.name, logPath: hn.logFile ? this.path(hn.logFile) : null, now });
    const quarantine = new Quarantine({ dir: this.path(hn.quarantine.dir), maxFileBytes: hn.quarantine.maxFileBytes, maxTotalBytes: hn.quarantine.maxTotalBytes });
    const limits = new ConnectionLimits({ maxConnections: hn.limits.maxConnections, maxPerIp: hn.limits.maxPerIp, connectsPerMinutePerIp: hn.limits.connectsPerMinutePerIp }, now);
    const session = { idleTimeoutMs: hn.limits.idleTimeoutSec * 1000, maxSessionMs: hn.limits.maxSessionSec * 1000, maxBytesIn: hn.limits.maxBytesInPerSession, maxBytesOut: hn.limits.maxBytesOutPerSession };
    const registry = honeypotServices(this.deps.services);
    for (const [name, settings] of enabled) {
      const service = registry.get(name);
      if (!service) continue;
      try {
        const handler = await service.start({
          sensor: config.node.name, persona, config: hn, settings: settings as unknown as Record<string, unknown>, sink: this.sink, quarantine,
          recordings: { dir: recordingsDir(config, this.deps.cwd), maxBytes: hn.recordings.maxBytesPerSession }, logger: logger.child({ service: name }), now,
        });
        this.handlers.push(handler);
        const l = await listenTcp({ service: name, bind: settings.bind, port: settings.port, limits, session, sink: this.sink, handler, now, tarpitIntervalMs: hn.tarpit.enabled ? hn.tarpit.intervalMs : null });
        this.listeners.push(l);
        this.deps.onStatus?.(`honeypot:${name}`, { status: 'up', detail: `${l.address.address}:${l.address.port}` });
        logger.info({ service: name, address: l.address }, 'honeypot service listening');
      } catch (err) {
        const detail = `cannot listen on ${settings.bind}:${settings.port}: ${(err as Error).message}`;
        this.deps.onStatus?.(`honeypot:${name}`, { status: 'down', detail });
        logger.error({ service: name, err: (err as Error).message }, `honeypot service ${name} is down: ${detail} (config honeynet.services.${name}.port)`);
      }
    }
  }

  async stop(): Promise<void> {
    for (const l of this.listeners.splice(0)) await l.close();
    for (const h of this.handlers.splice(0)) await h.stop().catch(() => {});
    await this.sink?.close();
    this.sink = null;
  }
}
