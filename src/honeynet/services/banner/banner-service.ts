import type { Persona } from '../../persona/persona.js';
import { FirstPayload, unescapeBanner } from '../../runtime/first-payload.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';

export { BannerSettingsSchema, BANNER_DEFAULTS, type BannerSettings } from './banner-settings.js';
import type { BannerSettings } from './banner-settings.js';

const MAX_LINE = 8192;

/**
 * A generic TCP service from config: greets with its banner, answers each line with its reply (if any), and
 * records the client's first payload. `{hostname}`, `{fqdn}` and `{distro}` in the texts become the persona's,
 * so a banner stays consistent with the rest of the host.
 */
export function bannerService(entry: BannerSettings): HoneypotService {
  return {
    name: entry.name,
    defaultPort: entry.port,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const banner = unescapeBanner(personaText(entry.banner, ctx.persona));
      const reply = unescapeBanner(personaText(entry.reply, ctx.persona));
      return {
        handle(session) {
          const payload = new FirstPayload(session, entry.maxPayloadBytes);
          if (banner.length > 0) session.write(banner);
          let partial = 0; // bytes of the current line seen so far (only its length is needed)
          session.socket.on('data', (chunk: Buffer) => {
            payload.add(chunk);
            if (reply.length === 0) return;
            let from = 0;
            for (let nl = chunk.indexOf(0x0a, from); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
              session.write(reply);
              partial = 0;
              from = nl + 1;
            }
            partial += chunk.length - from;
            // A "line" that never ends is answered once it is longer than any real command.
            if (partial > MAX_LINE) {
              session.write(reply);
              partial = 0;
            }
          });
        },
        async stop() {},
      };
    },
  };
}

export function personaText(s: string, p: Persona): string {
  const distro = p.os.id === 'ubuntu' ? 'Ubuntu' : 'Debian';
  return s.replaceAll('{hostname}', p.hostname).replaceAll('{fqdn}', p.domain ? `${p.hostname}.${p.domain}` : p.hostname).replaceAll('{distro}', distro);
}
