import { FirstPayload } from '../../runtime/first-payload.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { DecoySettings } from './decoy-settings.js';

export { DecoySettingsSchema, DECOY_DEFAULTS, type DecoySettings } from './decoy-settings.js';

/**
 * A decoy port: open, silent, and watched. Nothing real listens on it, so every connection is someone probing
 * (the runtime's `honeypot.connect` carries `decoy`); what the client sends first is kept as `honeypot.payload`;
 * the connection is closed after `holdMs` (a scanner waiting for a banner gets none, like a wrapped service).
 */
export function decoyService(settings: DecoySettings, standsFor: ReadonlyMap<number, number>): HoneypotService {
  return {
    name: 'decoy',
    defaultPort: settings.basePort,
    transport: 'tcp',
    async start(_ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      return {
        connectDetail: (ref) => ({ decoy: standsFor.get(ref.dst_port) ?? ref.dst_port }),
        handle(session) {
          const payload = new FirstPayload(session, settings.maxPayloadBytes);
          session.socket.on('data', (chunk: Buffer) => payload.add(chunk));
          const timer = setTimeout(() => session.close('decoy hold time'), settings.holdMs);
          timer.unref();
          session.onClose(() => clearTimeout(timer));
        },
        async stop() {},
      };
    },
  };
}
