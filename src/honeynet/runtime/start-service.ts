import type { Persona } from '../persona/persona.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from './honeypot-service.js';

/** What every service of one sensor (or of one worker process) shares. */
export type SharedServiceContext = Omit<HoneypotServiceContext, 'settings' | 'prepared'>;

/** Per service key (`plan.services`), what its `prepare` made for this start. */
export type PreparedServices = Record<string, unknown>;

/** Runs each planned service's `prepare` once (the sensor, before it starts services here or in workers). */
export async function prepareServices(services: ReadonlyMap<string, { service: HoneypotService; settings: object }>, persona: Persona, now: () => number): Promise<PreparedServices> {
  const out: PreparedServices = {};
  for (const [key, { service, settings }] of services) {
    if (service.prepare) out[key] = await service.prepare({ persona, settings: settings as Record<string, unknown>, now });
  }
  return out;
}

/** Starts one service of the registry with its own settings, what was prepared for it, and a logger that names it. */
export function startService(service: HoneypotService, settings: object, shared: SharedServiceContext, prepared?: unknown): Promise<ServiceHandler> {
  return service.start({ ...shared, settings: settings as Record<string, unknown>, prepared, logger: shared.logger.child({ service: service.name }) });
}
