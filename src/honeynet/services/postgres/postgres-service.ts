import { createHash, randomBytes } from 'node:crypto';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { authCleartext, authMd5, authRequest, errorResponse, hashcatPostgresMd5, negotiateProtocol, PgReader, type PgMessage, type Startup } from './postgres-protocol.js';
import { postgresRelease, type PostgresRelease } from './postgres-release.js';
import { mockSalt, parseClientFinal, parseSaslInitial, SASL_MECHANISMS, scramCapture, serverFirst, type ClientFirst } from './postgres-scram.js';

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
      const secret = createHash('sha256').update(`postgres-scram:${ctx.persona.id}:${ctx.persona.machineId}`).digest();
      return {
        handle: (session) => {
          try {
            new PostgresConversation(session, settings, release, secret).begin();
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
  private stage: 'startup' | 'password' | 'scram-final' | 'done' = 'startup';
  private scram: { first: ClientFirst; serverFirst: string; salt: Buffer } | null = null;

  constructor(
    private readonly session: HoneypotSession,
    private readonly settings: PostgresSettings,
    private readonly release: PostgresRelease,
    private readonly secret: Buffer,
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
        const m = this.settings.authMethod;
        return this.write(m === 'password' ? authCleartext() : m === 'md5' ? authMd5(this.salt) : authRequest(10, SASL_MECHANISMS));
      }
    }
  }

  private onMessage(m: PgMessage): void {
    if (this.stage === 'password' && this.settings.authMethod === 'scram-sha-256' && m.type === 'p') return this.onScramFirst(m.body);
    if (this.stage === 'scram-final' && m.type === 'p') return this.onScramFinal(m.body);
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
    this.authFailed();
  }

  private authFailed(): void {
    this.fatal('28P01', `password authentication failed for user "${this.user}"`, 'auth.c', this.release.authFailedLine, 'auth_failed', 'access denied');
  }

  private common() {
    return { username: this.user, success: false, ...(this.database ? { database: this.database } : {}), ...(this.client ? { client: this.client } : {}) };
  }

  /** SASLInitialResponse → AuthenticationSASLContinue with server-first-message. */
  private onScramFirst(body: Buffer): void {
    const first = parseSaslInitial(body);
    if (!first) return this.fatal('08P01', 'malformed SCRAM message', 'auth-scram.c', this.release.authFailedLine + 200, 'read_client_first_message', 'malformed SCRAM message');
    const salt = mockSalt(this.secret, this.user);
    this.scram = { first, salt, serverFirst: serverFirst(first, salt) };
    this.stage = 'scram-final';
    this.write(authRequest(11, Buffer.from(this.scram.serverFirst)));
  }

  /** SASLResponse with the client's proof: captured, then the same failure as any wrong password. */
  private onScramFinal(body: Buffer): void {
    this.stage = 'done';
    const s = this.scram!;
    const final = parseClientFinal(body);
    if (!final || !s.serverFirst.startsWith(`r=${final.nonce},`)) return this.fatal('08P01', 'malformed SCRAM message', 'auth-scram.c', this.release.authFailedLine + 200, 'read_client_final_message', 'malformed SCRAM message');
    const authMessage = `${s.first.bare},${s.serverFirst},${final.withoutProof}`;
    this.session.emit('honeypot.auth', { method: 'challenge-response', response: scramCapture(s.salt, authMessage, final.proof), hash_type: 'postgres-scram-sha-256', ...this.common() });
    this.authFailed();
  }
}
