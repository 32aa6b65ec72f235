/**
 * One client connection to the SQL Server honeypot: PRELOGIN, the optional TLS handshake inside PRELOGIN packets,
 * then LOGIN7 (in TLS or in clear) or a pre-TDS 7 LOGINREC, whose credentials are recorded before the exact
 * "Login failed" token stream is sent and the connection closed — as SQL Server closes it after a failed login.
 */
import type { SecureContext } from 'node:tls';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { MssqlRelease } from './mssql-release.js';
import type { MssqlSettings } from './mssql-settings.js';
import { ntlmNegotiateNames, parseLegacyLogin, parseLogin7, type LoginRecord } from './tds-login.js';
import { PACKET, TdsReader, tdsPackets, type TdsMessage } from './tds-packet.js';
import { ENCRYPT, negotiateEncryption, parsePrelogin, preloginResponse } from './tds-prelogin.js';
import { TdsTls } from './tds-tls.js';
import { errorStream, legacyErrorStream, loginFailed, untrustedDomain, type ServerError } from './tds-tokens.js';

const TLS_HANDSHAKE = 0x16;
const MAX_FIELD = 256;

export interface MssqlServer {
  release: MssqlRelease;
  /** @@SERVERNAME: on Linux the host name, case kept. */
  serverName: string;
  tls: SecureContext;
  settings: MssqlSettings;
}

export class MssqlConversation {
  private stage: 'prelogin' | 'login' | 'done' = 'prelogin';
  private readonly reader: TdsReader;
  private tls: TdsTls | null = null;
  private tlsReader: TdsReader | null = null;
  private encryption: number = ENCRYPT.OFF;

  constructor(
    private readonly session: HoneypotSession,
    private readonly server: MssqlServer,
    private readonly spid: number,
  ) {
    this.reader = new TdsReader(server.settings.maxPacketBytes, server.settings.maxMessageBytes);
  }

  begin(): void {
    this.session.socket.on('data', (chunk: Buffer) => this.guard(() => this.onBytes(chunk)));
    this.session.onClose(() => this.tls?.destroy());
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      this.session.close('service error');
    }
  }

  /** Closed, or the login was answered (anything after it is ignored until the close). */
  private stopped(): boolean {
    return this.session.isClosed || this.stage === 'done';
  }

  private onBytes(chunk: Buffer): void {
    if (this.stopped()) return;
    if (this.tls) {
      this.tls.feed(chunk);
      if (this.tls.failed) this.session.close(`protocol error: ${this.tls.failed}`);
      return;
    }
    // TDS 8.0 (strict) starts with a TLS ClientHello; with only the self-signed fallback certificate SQL Server
    // refuses it (error 17821) and closes.
    if (this.stage === 'prelogin' && this.reader.buffered === 0 && chunk[0] === TLS_HANDSHAKE) {
      this.session.close('TDS 8.0 strict encryption refused');
      return;
    }
    const messages = this.reader.feed(chunk);
    if (this.reader.failed) {
      this.session.close(`protocol error: ${this.reader.failed}`);
      return;
    }
    for (const m of messages) {
      if (this.stopped() || this.tls) return;
      this.onMessage(m, false);
    }
  }

  private onMessage(m: TdsMessage, inTls: boolean): void {
    if (m.type === PACKET.PRELOGIN && this.stage === 'prelogin') return this.onPrelogin(m.payload);
    if (m.type === PACKET.PRELOGIN && this.stage === 'login' && !inTls && m.payload[0] === TLS_HANDSHAKE && this.encryption !== ENCRYPT.NOT_SUP) return this.startTls(m.payload);
    if (m.type === PACKET.LOGIN7) {
      // A login in clear after the server required (or the client asked for) encryption: SQL Server drops it.
      if (!inTls && (this.encryption === ENCRYPT.REQ || this.encryption === ENCRYPT.ON)) return this.session.close('login without TLS');
      const login = parseLogin7(m.payload);
      if (!login) return this.session.close('malformed LOGIN7');
      return this.onLogin(login, inTls);
    }
    if (m.type === PACKET.PRE_TDS7_LOGIN && this.stage === 'prelogin') {
      const login = parseLegacyLogin(m.payload);
      if (!login) return this.session.close('malformed pre-TDS 7 login');
      return this.onLegacyLogin(login);
    }
    this.session.close('unexpected packet');
  }

  private onPrelogin(payload: Buffer): void {
    const req = parsePrelogin(payload);
    if (!req) return this.session.close('malformed PRELOGIN');
    this.encryption = negotiateEncryption(req.encryption, this.server.settings.forceEncryption);
    this.stage = 'login';
    this.session.write(tdsPackets(PACKET.TABULAR_RESULT, preloginResponse(req, this.server.release, this.encryption)));
  }

  private startTls(firstRecords: Buffer): void {
    const tls = new TdsTls(this.server.tls, (b) => this.session.write(b), this.server.settings.maxPacketBytes);
    this.tls = tls;
    this.tlsReader = new TdsReader(this.server.settings.maxPacketBytes, this.server.settings.maxMessageBytes);
    tls.socket.on('error', () => this.session.close('TLS handshake failed'));
    tls.socket.on('data', (clear: Buffer) =>
      this.guard(() => {
        const reader = this.tlsReader!;
        const messages = reader.feed(clear);
        if (reader.failed) return this.session.close(`protocol error: ${reader.failed}`);
        for (const m of messages) {
          if (this.stopped()) return;
          this.onMessage(m, true);
        }
      }),
    );
    const rest = this.reader.drain();
    tls.feed(Buffer.concat([tdsPackets(PACKET.PRELOGIN, firstRecords), rest]));
    if (tls.failed) this.session.close(`protocol error: ${tls.failed}`);
  }

  private onLogin(login: LoginRecord, inTls: boolean): void {
    this.stage = 'done';
    const common = { success: false, ...clientFields(login) };
    let error: ServerError;
    if (login.sspi) {
      const ntlm = ntlmNegotiateNames(login.sspi);
      this.session.emit('honeypot.auth', { method: 'none', username: '', ...common, ...(ntlm?.domain ? { domain: ntlm.domain } : {}), ...(ntlm?.workstation ? { workstation: ntlm.workstation } : {}) });
      error = untrustedDomain(this.server.serverName);
    } else {
      this.session.emit('honeypot.auth', { method: 'password', username: login.userName, password: login.password, ...common });
      error = loginFailed(login.userName, this.server.serverName);
    }
    const reply = tdsPackets(PACKET.TABULAR_RESULT, errorStream(error, login.tdsVersion), { spid: this.spid });
    // ENCRYPT_ON/REQ keep TLS for the whole connection; with login-only encryption (ENCRYPT_OFF) the client left
    // TLS after its LOGIN7, so the answer goes in clear.
    if (inTls && (this.encryption === ENCRYPT.ON || this.encryption === ENCRYPT.REQ) && this.tls) {
      this.tls.socket.write(reply, () => this.session.close('login failed'));
      return;
    }
    this.tls?.destroy();
    this.session.write(reply);
    this.session.close('login failed');
  }

  private onLegacyLogin(login: LoginRecord): void {
    this.stage = 'done';
    this.session.emit('honeypot.auth', { method: 'password', username: login.userName, password: login.password, success: false, ...clientFields(login) });
    if (this.server.settings.legacyLogin === 'close') return this.session.close('pre-TDS 7 login refused');
    this.session.write(tdsPackets(PACKET.TABULAR_RESULT, legacyErrorStream(loginFailed(login.userName, this.server.serverName)), { spid: this.spid }));
    this.session.close('login failed');
  }
}

/** The event's `database` and `client`: "<application> on <host> (<library>)", each part as the client named it. */
function clientFields(login: LoginRecord): { database?: string; client?: string } {
  const cap = (s: string) => s.slice(0, MAX_FIELD);
  const app = cap(login.appName);
  const lib = cap(login.libraryName);
  const host = cap(login.hostName);
  const who = [app || lib, host && `on ${host}`].filter(Boolean).join(' ');
  const client = `${who}${lib && app && lib !== app ? ` (${lib})` : ''}`;
  return { ...(login.database ? { database: cap(login.database) } : {}), ...(client ? { client } : {}) };
}
