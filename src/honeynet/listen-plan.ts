import { LnmtError, type ErrorDetail } from '../core/errors.js';
import type { EventPayloads, HoneypotRef } from '../core/events.js';
import type { HoneynetConfig } from '../core/config/sections/honeynet.js';
import type { HoneypotService } from './runtime/honeypot-service.js';
import { bannerService } from './services/banner/banner-service.js';
import { decoyService } from './services/decoy/decoy-service.js';
import { MOST_SCANNED_FREE_PORTS } from './services/decoy/most-scanned-ports.js';

/** One service instance of the sensor and the settings it starts with. */
export interface PlannedService {
  service: HoneypotService;
  settings: object;
}

/** One port to bind, and the service (by key) its connections go to. */
export interface PlannedPort {
  key: string;
  /** The `service` its events carry. */
  label: string;
  bind: string;
  port: number;
  /** The config key to name when this port cannot be bound. */
  configKey: string;
  connectDetail?: Omit<EventPayloads['honeypot.connect'], keyof HoneypotRef>;
}

export interface ListenPlan {
  services: Map<string, PlannedService>;
  ports: PlannedPort[];
}

/** Decoys per sensor process: each is a listening socket, and one process holds ~20,000 descriptors here. */
export const MAX_DECOYS = 4096;

/**
 * Everything the sensor listens on, from config: the enabled protocol services of the registry (one port each),
 * the `honeynet.banners` entries, and the decoy ports. The sensor binds `ports`; whoever serves the connections
 * (this process or a worker) starts `services`. A port claimed twice is a config error naming both keys.
 */
export function listenPlan(hn: HoneynetConfig, registry: ReadonlyMap<string, HoneypotService>): ListenPlan {
  const services = new Map<string, PlannedService>();
  const ports: PlannedPort[] = [];
  for (const [name, settings] of Object.entries(hn.services)) {
    const service = registry.get(name);
    if (!settings.enabled || !service) continue;
    services.set(name, { service, settings });
    ports.push({ key: name, label: name, bind: settings.bind, port: settings.port, configKey: `honeynet.services.${name}.port` });
  }
  hn.banners.forEach((b, i) => {
    const key = `banner:${i}`;
    services.set(key, { service: bannerService(b), settings: {} });
    ports.push({ key, label: b.name, bind: b.bind, port: b.port, configKey: `honeynet.banners[${i}].port` });
  });
  if (hn.decoys.enabled) {
    const d = hn.decoys;
    const standsFor = decoyPorts(d.ports);
    const listenOn = new Map<number, number>();
    standsFor.forEach((p, i) => listenOn.set(d.basePort === 0 ? p : d.basePort + i, p));
    const over = [...listenOn.keys()].filter((p) => p > 65535);
    if (over.length > 0) throw configError([{ where: 'honeynet.decoys.basePort', value: d.basePort, message: `${standsFor.length} decoys from port ${d.basePort} run past 65535`, allowed: `at most ${65535 - standsFor.length + 1}` }]);
    services.set('decoy', { service: decoyService(d, listenOn), settings: {} });
    for (const [port, real] of listenOn) ports.push({ key: 'decoy', label: 'decoy', bind: d.bind, port, configKey: 'honeynet.decoys', connectDetail: { decoy: real } });
  }
  const clashes = duplicatePorts(ports);
  if (clashes.length > 0) throw configError(clashes);
  return { services, ports };
}

/** The configured decoy ports expanded and sorted (empty: the 100 most scanned free ports). */
export function decoyPorts(spec: ReadonlyArray<number | string>): number[] {
  if (spec.length === 0) return [...MOST_SCANNED_FREE_PORTS].sort((a, b) => a - b);
  const out = new Set<number>();
  for (const [i, item] of spec.entries()) {
    const [lo, hi] = typeof item === 'number' ? [item, item] : (item.split('-').map(Number) as [number, number]);
    if (!(lo >= 1 && hi <= 65535 && lo <= hi)) throw configError([{ where: `honeynet.decoys.ports[${i}]`, value: item, message: 'not a port range', allowed: 'first-last with 1 <= first <= last <= 65535' }]);
    if (out.size + (hi - lo + 1) > MAX_DECOYS * 2) throw tooMany(out.size + (hi - lo + 1));
    for (let p = lo; p <= hi; p++) out.add(p);
  }
  if (out.size > MAX_DECOYS) throw tooMany(out.size);
  return [...out].sort((a, b) => a - b);
}

function tooMany(n: number): LnmtError {
  return configError([{ where: 'honeynet.decoys.ports', value: `${n} ports`, message: 'too many decoys for one sensor process (each is a listening socket)', allowed: `at most ${MAX_DECOYS}; steer the rest with an nftables catch-all` }]);
}

function duplicatePorts(ports: PlannedPort[]): ErrorDetail[] {
  const wildcard = (bind: string) => bind === '0.0.0.0' || bind === '::';
  const byPort = new Map<number, PlannedPort[]>();
  const out: ErrorDetail[] = [];
  for (const p of ports) {
    if (p.port === 0) continue; // any free port (tests)
    const same = byPort.get(p.port) ?? [];
    // Two binds of one port clash unless both name different specific addresses.
    const other = same.find((o) => wildcard(o.bind) || wildcard(p.bind) || o.bind === p.bind);
    if (other) out.push({ where: p.configKey, value: p.port, message: `port ${p.port} is also used by ${other.configKey}` });
    same.push(p);
    byPort.set(p.port, same);
  }
  return out;
}

function configError(details: ErrorDetail[]): LnmtError {
  return new LnmtError('LNMT_ERR_CONFIG', `honeynet listeners are misconfigured: ${details.map((d) => `${d.where}: ${d.message}`).join('; ')}`, { details });
}
