import type { SecureContext } from 'node:tls';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { ntlmIdentity } from '../ntlm/ntlm-identity.js';
import type { NtlmIdentity } from '../ntlm/ntlm-messages.js';
import { NtlmExchange, ntlmAuthEvent } from '../ntlm/ntlm-exchange.js';
import { buildTsRequest, parseTsRequest, tsRequestLength } from './credssp.js';
import { negotiateWindows, negotiateXrdp, type Negotiated } from './rdp-negotiation.js';
import { personaCert, rdpSecureContext, SessionTls } from './rdp-tls.js';
import { connectionConfirm, MCS_DISCONNECT_ULTIMATUM, parseConnectionRequest, PduReader, PROTOCOL, protocolNames } from './x224.js';

export { RdpSettingsSchema, RDP_DEFAULTS, type RdpSettings } from './rdp-settings.js';
import { RDP_DEFAULTS, type RdpSettings } from './rdp-settings.js';

/** The CredSSP version Windows Server 2019/2022 speak (MS-CSSP 6: client nonce, hash-bound public key). */
const CREDSSP_VERSION = 6;
const STATUS_LOGON_FAILURE = 0xc000006d;

interface RdpContext {
  settings: RdpSettings;
  secureContext: SecureContext | null;
  identity: NtlmIdentity;
  now: () => number;
}

/**
 * An RDP server's connection start (MS-RDPBCGR 1.3.1.1): the X.224 Connection Request's cookie (`mstshash`, a user
 * name without a password, recorded as `honeypot.auth` method `none` with the requested protocols in `client`),
 * the Connection Confirm the flavor sends, TLS with the persona's certificate, and for Windows with NLA the
 * CredSSP exchange whose NTLM response is recorded as NetNTLMv2 before the logon failure. xrdp hangs up the way
 * it does (MCS Disconnect Provider Ultimatum) once the client goes past what it would accept.
 */
export function rdpService(): HoneypotService {
  return {
    name: 'rdp',
    defaultPort: 13389,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: RdpSettings = { ...RDP_DEFAULTS, ...(ctx.settings as Partial<RdpSettings>) };
      const windows = settings.flavor === 'windows';
      // xrdp on Debian/Ubuntu points at the ssl-cert snakeoil pair; Windows makes its own Remote Desktop certificate.
      const pair = personaCert(ctx.persona, windows ? 'rdp' : 'snakeoil');
      const rc: RdpContext = {
        settings,
        secureContext: rdpSecureContext(pair, windows ? 'TLSv1.2' : 'TLSv1.3'),
        identity: ntlmIdentity(ctx.persona, 'windows', settings.windowsRelease),
        now: ctx.now,
      };
      if (!rc.secureContext) ctx.logger.warn({ service: 'rdp' }, 'no usable persona TLS certificate: TLS is not offered');
      return {
        handle: (session) => {
          try {
            new RdpConversation(session, rc).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

/** TPKT + X.224 DT + BER application tag 101 (MCS Connect-Initial, T.125). */
function isMcsConnectInitial(pdu: Buffer): boolean {
  return pdu.length >= 9 && pdu[0] === 3 && pdu[5] === 0xf0 && pdu[7] === 0x7f && pdu[8] === 0x65;
}

class RdpConversation {
  private readonly reader: PduReader;
  private stage: 'request' | 'confirmed' | 'tls' | 'done' = 'request';
  private tls: SessionTls | null = null;
  private tlsBuf: Buffer = Buffer.alloc(0);
  private tlsBytes = 0;
  private ntlm: NtlmExchange | null = null;
  private clientVersion = 0;

  constructor(
    private readonly session: HoneypotSession,
    private readonly rc: RdpContext,
  ) {
    this.reader = new PduReader(rc.settings.maxPduBytes);
  }

  private at(stage: RdpConversation['stage']): boolean {
    return this.stage === stage;
  }

  private get windows(): boolean {
    return this.rc.settings.flavor === 'windows';
  }

  begin(): void {
    this.session.socket.on('data', (chunk: Buffer) => {
      try {
        this.onRaw(chunk);
      } catch {
        this.session.close('service error');
      }
    });
  }

  /** Ends the connection as the flavor does: xrdp sends its disconnect ultimatum first, Windows just closes. */
  private drop(reason: string, viaTls = false): void {
    if (this.stage === 'done') return;
    this.stage = 'done';
    if (!this.windows) {
      if (viaTls && this.tls) this.tls.write(MCS_DISCONNECT_ULTIMATUM);
      else this.session.write(MCS_DISCONNECT_ULTIMATUM);
    }
    this.closeSoon(reason);
  }

  /** Lets what was just written leave before the socket is destroyed. */
  private closeSoon(reason: string): void {
    this.stage = 'done';
    if (this.tls) this.tls.socket.end();
    else this.session.socket.end();
    setTimeout(() => this.session.close(reason), 200).unref();
  }

  private onRaw(chunk: Buffer): void {
    if (this.stage === 'tls') return this.tls?.feed(chunk);
    if (this.stage === 'done') return;
    const pdus = this.reader.feed(chunk);
    for (const pdu of pdus) {
      if (this.stage === 'request') this.onConnectionRequest(pdu);
      else if (this.stage === 'confirmed') return this.afterConfirm(pdu, false);
      // onConnectionRequest moves the stage on; TypeScript's narrowing of this.stage does not see that.
      if (this.at('tls') || this.at('done')) break;
    }
    if (this.at('tls')) return this.tls?.feed(this.reader.takeRest());
    if (this.reader.failed) this.drop('bad PDU length');
  }

  /**
   * The PDU after the confirm. A well-formed MCS Connect Initial is where a real server sends its Connect Response
   * (GCC conference data, server certificate); this one has no desktop to offer and hangs up without a word there,
   * because the xrdp ultimatum in that place reads as a protocol error to scanners (nmap's rdp-enum-encryption
   * fails on it). Anything else gets what xrdp sends for a PDU it cannot parse.
   */
  private afterConfirm(pdu: Buffer, viaTls: boolean): void {
    if (isMcsConnectInitial(pdu)) {
      this.stage = 'done';
      return this.closeSoon('MCS connect not served');
    }
    this.drop(viaTls ? 'unexpected PDU after TLS' : 'no enhanced security', viaTls);
  }

  private onConnectionRequest(pdu: Buffer): void {
    const cr = parseConnectionRequest(pdu);
    if (!cr) return this.drop('not a connection request');
    const requested = cr.negReq ? protocolNames(cr.negReq.requestedProtocols) : 'none';
    if (cr.cookieKind === 'mstshash' && cr.cookie) {
      this.session.emit('honeypot.auth', { method: 'none', username: cr.cookie, client: `requested: ${requested}`, success: false });
    }
    const haveCert = this.rc.secureContext !== null;
    const n: Negotiated = this.windows ? negotiateWindows(cr, haveCert, this.rc.settings.nla) : negotiateXrdp(cr, haveCert);
    if (n.neg === 'drop') return this.drop(n.reason);
    this.session.write(connectionConfirm(n.neg));
    if (!n.ok) {
      // A refused negotiation: Windows hangs up after the failure; without negotiation data it waits for the next PDU.
      if (n.neg === null) this.stage = 'confirmed';
      else this.closeSoon(n.reason);
      return;
    }
    if (n.selected === PROTOCOL.RDP) {
      this.stage = 'confirmed';
      return;
    }
    this.startTls(n.selected);
  }

  private startTls(selected: number): void {
    this.stage = 'tls';
    const tls = new SessionTls(this.session, this.rc.secureContext!);
    this.tls = tls;
    tls.socket.on('error', () => this.session.close('tls error'));
    tls.socket.on('end', () => this.session.close('connection closed'));
    const credssp = selected === PROTOCOL.HYBRID || selected === PROTOCOL.HYBRID_EX;
    tls.socket.on('data', (d: Buffer) => {
      try {
        this.tlsBytes += d.length;
        if (this.tlsBytes > this.rc.settings.maxPduBytes * 4) return this.session.close('input byte limit');
        if (credssp) this.onCredssp(d);
        // TLS without NLA: the next PDU is the MCS Connect Initial, where this server stops.
        else this.afterConfirm(d, true);
      } catch {
        this.session.close('service error');
      }
    });
  }

  private onCredssp(d: Buffer): void {
    this.tlsBuf = Buffer.concat([this.tlsBuf, d]);
    for (;;) {
      if (this.stage === 'done') return;
      const len = tsRequestLength(this.tlsBuf);
      if (len === null) return;
      if (len < 0 || len > this.rc.settings.maxPduBytes) return this.closeSoon('bad TSRequest');
      if (this.tlsBuf.length < len) return;
      const msg = this.tlsBuf.subarray(0, len);
      this.tlsBuf = this.tlsBuf.subarray(len);
      this.onTsRequest(msg);
    }
  }

  private onTsRequest(msg: Buffer): void {
    const ts = parseTsRequest(msg);
    if (!ts || !ts.negoToken) return this.closeSoon('bad TSRequest');
    this.clientVersion = ts.version;
    this.ntlm ??= new NtlmExchange(this.rc.identity, this.rc.now);
    const step = this.ntlm.step(ts.negoToken);
    if (step.kind === 'continue') return this.tls!.write(buildTsRequest({ version: CREDSSP_VERSION, negoToken: step.token }));
    if (step.kind === 'authenticate') {
      this.session.emit('honeypot.auth', ntlmAuthEvent(step));
    }
    const fail = () => {
      if (this.session.isClosed) return;
      // CredSSP 3 and later carry the NTSTATUS back to the client; older clients just see the connection end.
      if (this.clientVersion >= 3) this.tls!.write(buildTsRequest({ version: CREDSSP_VERSION, errorCode: STATUS_LOGON_FAILURE }));
      this.closeSoon(step.kind === 'authenticate' ? 'authentication failed' : step.reason);
    };
    this.stage = 'done';
    if (this.rc.settings.failDelayMs > 0) setTimeout(fail, this.rc.settings.failDelayMs).unref();
    else fail();
  }
}
