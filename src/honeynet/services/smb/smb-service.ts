import { randomBytes } from 'node:crypto';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { NtlmExchange, ntlmAuthEvent } from '../ntlm/ntlm-exchange.js';
import { fileTime } from '../ntlm/ntlm-messages.js';
import { NBSS, NbssReader, nbssMessage, type NbssPacket } from './netbios-frame.js';
import { parseSmb1Negotiate, SMB1_MAGIC, smb1NoProtocolChosen, smb2DialectFromSmb1 } from './smb1-negotiate.js';
import {
  DIALECTS, echoBody, errorBody, negotiateResponseBody, parseNegotiateRequest, parseSessionSetup, parseSmb2Header, responseHeader, sessionSetupResponseBody,
  SMB2_CMD, SMB2_MAGIC, STATUS, type Smb2Header,
} from './smb2-messages.js';
import { smbServerProfile, type SmbServerProfile } from './smb-server-profile.js';

export { SmbSettingsSchema, SMB_DEFAULTS, type SmbSettings } from './smb-settings.js';
import { SMB_DEFAULTS, type SmbSettings } from './smb-settings.js';

/** Session setups in progress on one connection (each holds one NTLM exchange); more is not a real client. */
const MAX_PENDING_SESSIONS = 8;

/**
 * An SMB file server up to the login: NetBIOS session framing, SMB1 multi-protocol negotiate (answered with SMB2,
 * or refused as the flavor refuses SMB1), SMB2/3 NEGOTIATE with dialects 2.0.2 to 3.1.1 and SPNEGO, and
 * SESSION_SETUP with NTLMSSP: the client's NTLM response is recorded as `honeypot.auth` (hashcat NetNTLMv2/v1,
 * with user, domain and workstation), then STATUS_LOGON_FAILURE. No login is accepted and no file is served.
 */
export function smbService(): HoneypotService {
  return {
    name: 'smb',
    defaultPort: 1445,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: SmbSettings = { ...SMB_DEFAULTS, ...(ctx.settings as Partial<SmbSettings>) };
      const profile = smbServerProfile(ctx.persona, settings.flavor, settings.windowsRelease);
      return {
        handle: (session) => {
          try {
            new SmbConversation(session, settings, profile, ctx.now).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

class SmbConversation {
  private readonly reader: NbssReader;
  private negotiated = false;
  private readonly pending = new Map<bigint, NtlmExchange>();

  constructor(
    private readonly session: HoneypotSession,
    private readonly settings: SmbSettings,
    private readonly profile: SmbServerProfile,
    private readonly now: () => number,
  ) {
    this.reader = new NbssReader(settings.maxMessageBytes);
  }

  begin(): void {
    this.session.socket.on('data', (chunk: Buffer) => {
      try {
        for (const p of this.reader.feed(chunk)) {
          if (this.session.isClosed) return;
          this.onPacket(p);
        }
        // smbd drops a connection whose declared length is beyond what it accepts.
        if (this.reader.failed) this.session.close('message too long');
      } catch {
        this.session.close('service error');
      }
    });
  }

  private send(body: Buffer): void {
    this.session.write(nbssMessage(body));
  }

  private onPacket(p: NbssPacket): void {
    if (p.type === NBSS.sessionRequest) return void this.session.write(Buffer.from([NBSS.positiveResponse, 0, 0, 0]));
    if (p.type !== NBSS.message) return; // keep-alives and unknown types are ignored, as smbd does
    const magic = p.body.subarray(0, 4);
    if (magic.equals(SMB2_MAGIC)) return this.onSmb2(p.body);
    if (magic.equals(SMB1_MAGIC) && !this.negotiated) return this.onSmb1(p.body);
    this.session.close('not an SMB message');
  }

  private onSmb1(msg: Buffer): void {
    const neg = parseSmb1Negotiate(msg);
    if (!neg) return this.session.close('SMB1 request');
    const dialect = smb2DialectFromSmb1(neg.dialects);
    if (dialect === null) {
      if (this.profile.flavor === 'samba') this.send(smb1NoProtocolChosen(msg));
      // Windows' NetBT refuses an SMB message that was not preceded by a session request: negative session
      // response, "unspecified error" (0x8F).
      else this.session.write(Buffer.from([NBSS.negativeResponse, 0, 0, 1, 0x8f]));
      return this.session.close('SMB1 only');
    }
    const req: Smb2Header = { command: SMB2_CMD.NEGOTIATE, creditCharge: 0, creditRequest: 0, flags: 0, nextCommand: 0, messageId: 0n, processId: 0xfeff, treeId: 0, sessionId: 0n };
    this.sendNegotiate(req, dialect, []);
  }

  private sendNegotiate(req: Smb2Header, dialect: number, contexts: ReturnType<SmbServerProfile['contexts']>): void {
    const p = this.profile;
    const max = p.maxSize(dialect);
    const body = negotiateResponseBody({
      securityMode: p.securityMode, dialect, serverGuid: p.serverGuid, capabilities: p.capabilities(dialect), maxTransact: max, maxRead: max, maxWrite: max,
      systemTime: fileTime(this.now()), securityBuffer: p.negTokenInit, contexts,
    });
    this.send(Buffer.concat([responseHeader(req, { status: STATUS.SUCCESS, credits: 1 }), body]));
  }

  private reply(req: Smb2Header, status: number, body: Buffer, sessionId?: bigint): void {
    const credits = Math.max(1, Math.min(req.creditRequest, 64));
    this.send(Buffer.concat([responseHeader(req, { status, credits, ...(sessionId !== undefined ? { sessionId } : {}) }), body]));
  }

  private onSmb2(msg: Buffer): void {
    const h = parseSmb2Header(msg);
    if (!h) return this.session.close('bad SMB2 header');
    if (h.command === SMB2_CMD.NEGOTIATE) {
      if (this.negotiated) return this.session.close('second negotiate');
      const req = parseNegotiateRequest(msg);
      if (!req) return this.reply(h, STATUS.INVALID_PARAMETER, errorBody());
      const dialect = [...DIALECTS].reverse().find((d) => req.dialects.includes(d));
      if (dialect === undefined) return this.reply(h, STATUS.NOT_SUPPORTED, errorBody());
      if (dialect === 0x0311 && !req.contexts.some((c) => c.type === 1)) return this.reply(h, STATUS.INVALID_PARAMETER, errorBody());
      this.negotiated = true;
      return this.sendNegotiate(h, dialect, dialect === 0x0311 ? this.profile.contexts(req) : []);
    }
    if (!this.negotiated) return this.session.close('request before negotiate');
    switch (h.command) {
      case SMB2_CMD.SESSION_SETUP:
        return this.onSessionSetup(h, msg);
      case SMB2_CMD.ECHO:
        return this.reply(h, STATUS.SUCCESS, echoBody());
      default:
        // No session is ever established, so every other request names a session the server does not have.
        return this.reply(h, STATUS.USER_SESSION_DELETED, errorBody());
    }
  }

  private onSessionSetup(h: Smb2Header, msg: Buffer): void {
    const req = parseSessionSetup(msg);
    if (!req) return this.reply(h, STATUS.INVALID_PARAMETER, errorBody());
    let sessionId = h.sessionId;
    let ex = this.pending.get(sessionId);
    if (!ex) {
      if (sessionId !== 0n) return this.reply(h, STATUS.USER_SESSION_DELETED, errorBody());
      if (this.pending.size >= MAX_PENDING_SESSIONS) return this.session.close('too many session setups');
      ex = new NtlmExchange(this.profile.identity, this.now);
      // Session ids are the server's to choose; both servers hand out unpredictable 64-bit values.
      sessionId = randomBytes(8).readBigUInt64LE() | 1n;
      this.pending.set(sessionId, ex);
    }
    const step = ex.step(req.securityBuffer);
    if (step.kind === 'continue') return this.reply(h, STATUS.MORE_PROCESSING_REQUIRED, sessionSetupResponseBody(0, step.token), sessionId);
    this.pending.delete(sessionId);
    if (step.kind === 'authenticate') {
      this.session.emit('honeypot.auth', ntlmAuthEvent(step));
    }
    const fail = () => {
      if (!this.session.isClosed) this.reply(h, STATUS.LOGON_FAILURE, errorBody(), sessionId);
    };
    if (this.settings.failDelayMs > 0) setTimeout(fail, this.settings.failDelayMs).unref();
    else fail();
  }
}
