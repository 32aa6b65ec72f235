import { constants } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import { makeFallbackCertificate, type FallbackCertificate } from './fallback-cert.js';
import { MssqlConversation } from './mssql-conversation.js';
import { mssqlRelease } from './mssql-release.js';

export { MssqlSettingsSchema, MSSQL_DEFAULTS, type MssqlSettings } from './mssql-settings.js';
import { MSSQL_DEFAULTS, type MssqlSettings } from './mssql-settings.js';

/** SQL Server hands out session ids from 51 up (1-50 are kept for system sessions). */
const FIRST_USER_SPID = 51;
const SPID_SPAN = 150;

/**
 * Microsoft SQL Server on Linux (2019/2022 CU builds, the persona's OS picks the default): PRELOGIN answered as the
 * real server answers it, the LOGIN7 taken in clear or inside TLS (a self-signed `SSL_Self_Signed_Fallback`
 * certificate made at every start, as sqlservr does), its user, de-obfuscated password, database, client host,
 * application and library recorded, then error 18456 "Login failed for user '...'." and the connection closed.
 * DB-Library (TDS 4.2) logins — hydra's — are recorded too; integrated (NTLM) logins are refused as on a Linux
 * server without Active Directory.
 */
export function mssqlService(): HoneypotService {
  return {
    name: 'mssql',
    defaultPort: 11433,
    transport: 'tcp',
    // One fallback certificate per sensor start, as sqlservr has one per start: every worker serves the same.
    prepare: (ctx) => makeFallbackCertificate(new Date(ctx.now())),
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: MssqlSettings = { ...MSSQL_DEFAULTS, ...(ctx.settings as Partial<MssqlSettings>) };
      const release = mssqlRelease(ctx.persona, settings.version);
      const cert = (ctx.prepared as FallbackCertificate | undefined) ?? (await makeFallbackCertificate(new Date(ctx.now())));
      // SQL Server 2019/2022 on Linux negotiate TLS 1.2 for TDS 7.x logins; session tickets are not issued.
      const tls = createSecureContext({ key: cert.key, cert: cert.cert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET });
      const server = { release, serverName: ctx.persona.hostname, tls, settings };
      let next = Math.floor(Math.random() * 20);
      return {
        handle: (session) => {
          try {
            new MssqlConversation(session, server, FIRST_USER_SPID + (next++ % SPID_SPAN)).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}
