import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from './honeypot-service.js';

/** What every service of one sensor (or of one worker process) shares. */
export type SharedServiceContext = Omit<HoneypotServiceContext, 'settings'>;

/** Starts one service of the registry with its own settings and a logger that names it. */
export function startService(service: HoneypotService, settings: object, shared: SharedServiceContext): Promise<ServiceHandler> {
  return service.start({ ...shared, settings: settings as Record<string, unknown>, logger: shared.logger.child({ service: service.name }) });
}
