import { randomBytes } from 'node:crypto';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { authCleartext, authMd5, errorResponse, hashcatPostgresMd5, negotiateProtocol, PgReader, type PgMessage, type Startup } from './postgres-protocol.js';
import { postgresRelease, type PostgresRelease } from './postgres-release.js';

export { PostgresSettingsSchema, POSTGRES_DEFAULTS, type PostgresSettings } from './postgres-settings.js';
import { POSTGRES_DEFAULTS, type PostgresSettings } from './postgres-settings.js';

/**
 * PostgreSQL as the persona's OS package answers (Debian 12: 15, Ubuntu 24.04: 16, 22.04: 14): SSL and GSS
 * encryption refused ('N', as a server without them), CancelRequest swallowed, StartupMessage v3 read (user,
 * database, application_name), the password asked for with md5 (random salt) or in clear, captured as
 * `honeypot.auth`, and then the server's exact FATAL 28P01 `password authentication failed for user "..."`
 * with its F/L/R fields. Other protocol versions get ProcessStartupPacket's FATAL 0A000 (what nmap fingerprints).
 */
export function postgresService(): HoneypotService {
  return {
    name: 'postgres',
    defaultPort: 15432,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: PostgresSettings = { ...POSTGRES_DEFAULTS, ...(ctx.settings as Partial<PostgresSettings>) };
      const release = postgresRelease(ctx.persona);
      return {
        handle: (session) => {
          try {
            new PostgresConversation(session, settings, release).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

class PostgresConversation {
  private readonly reader = new PgReader();
  private readonly salt = randomBytes(4);
  private user = '';
  private database = '';
  private client = '';
  private stage: 'startup' | 'password' | 'done' = 'startup';

  constructor(
    private readonly session: HoneypotSession,
    private readonly settings: PostgresSettings,
    private readonly release: PostgresRelease,
  ) {}

  begin(): void {
    this.session.socket.on('data', (chunk: Buffer) => {
      try {
        const items = this.reader.feed(chunk);
        for (const item of items) {
          if (this.session.isClosed) return;
          if ('type' in item) this.onMessage(item);
          else this.onStartup(item);
        }
        // An impossible length: the server logs "invalid length of startup packet" and hangs up without a word.
        if (this.reader.failed && !this.session.isClosed) this.session.close('protocol error');
      } catch {
        this.session.close('service error');
      }
    });
  }

  private write(b: Buffer): void {
    this.session.write(b);
  }

  private fatal(code: string, message: string, file: string, line: number, routine: string, reason: string): void {
    this.write(errorResponse({ severity: 'FATAL', code, message, file, line, routine }));
    this.session.close(reason);
  }

  private onStartup(s: Startup): void {
    switch (s.kind) {
      case 'ssl':
      case 'gssenc':
        return this.write(Buffer.from('N'));
      case 'cancel':
        this.session.close('cancel request');
        return;
      case 'invalid':
        this.session.close('invalid startup packet');
        return;
      case 'unsupported':
        return this.fatal('0A000', `unsupported frontend protocol ${s.major}.${s.minor}: server supports 3.0 to 3.0`, 'postmaster.c', this.release.startupLine, 'ProcessStartupPacket', 'unsupported protocol');
      case 'layout':
        return this.fatal('08P01', 'invalid startup packet layout: expected terminator as last byte', 'postmaster.c', this.release.layoutLine, 'ProcessStartupPacket', 'invalid startup packet');
      case 'startup': {
        const p = s.params;
        this.user = p.user ?? '';
        this.database = p.database || this.user;
        this.client = p.application_name ?? '';
        if (!this.user) return this.fatal('28000', 'no PostgreSQL user name specified in startup packet', 'postmaster.c', this.release.layoutLine + 17, 'ProcessStartupPacket', 'no user name');
        const unknown = Object.keys(p).filter((k) => k.startsWith('_pq_.'));
        if (s.minor > 0 || unknown.length) this.write(negotiateProtocol(unknown));
        this.stage = 'password';
        return this.write(this.settings.authMethod === 'password' ? authCleartext() : authMd5(this.salt));
      }
    }
  }

  private onMessage(m: PgMessage): void {
    if (this.stage !== 'password') {
      this.session.close('unexpected message');
      return;
    }
    if (m.type !== 'p') {
      // 'X' (Terminate) is a client giving up (psql without a password); anything else is a protocol violation.
      if (m.type === 'X') this.session.close('client gave up');
      else this.fatal('08P01', `expected password response, got message type ${m.type.charCodeAt(0)}`, 'auth.c', this.release.authFailedLine + 400, 'recv_password_packet', 'protocol violation');
      return;
    }
    this.stage = 'done';
    const end = m.body.indexOf(0);
    const text = m.body.subarray(0, end < 0 ? m.body.length : end).toString('utf8');
    const common = { username: this.user, success: false, ...(this.database ? { database: this.database } : {}), ...(this.client ? { client: this.client } : {}) };
    if (this.settings.authMethod === 'md5' && /^md5[0-9a-f]{32}$/.test(text)) {
      this.session.emit('honeypot.auth', { method: 'challenge-response', response: hashcatPostgresMd5(this.user, this.salt, text), hash_type: 'postgres-md5', ...common });
    } else this.session.emit('honeypot.auth', { method: 'password', password: text.slice(0, 256), ...common });
    this.fatal('28P01', `password authentication failed for user "${this.user}"`, 'auth.c', this.release.authFailedLine, 'auth_failed', 'access denied');
  }
}
