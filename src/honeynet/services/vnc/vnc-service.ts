import { randomBytes } from 'node:crypto';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { ExactReader, parseClientVersion, RFB_38, securityResultFailed, securityType33, securityTypes, vncHash, type RfbVersion } from './vnc-protocol.js';

export { VncSettingsSchema, VNC_DEFAULTS, type VncSettings } from './vnc-settings.js';
import { VNC_DEFAULTS, type VncSettings } from './vnc-settings.js';

/**
 * A VNC server's RFB handshake (RFC 6143): `RFB 003.008`, VNC Authentication only (security type 2), a random
 * 16-byte challenge, the client's DES response captured as `honeypot.auth` (`challenge-response`, hashed as
 * `$vnc$*challenge*response` for john/hashcat), then SecurityResult failed ("Authentication failed" for 3.8)
 * and close. Logins never succeed (there is no framebuffer behind it). 3.3 and 3.7 clients get their variants.
 */
export function vncService(): HoneypotService {
  return {
    name: 'vnc',
    defaultPort: 15900,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: VncSettings = { ...VNC_DEFAULTS, ...(ctx.settings as Partial<VncSettings>) };
      return {
        handle: (session) => {
          try {
            new VncConversation(session, settings).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

class VncConversation {
  private readonly reader = new ExactReader();
  private stage: 'version' | 'type' | 'response' | 'done' = 'version';
  private version: RfbVersion = '3.8';
  private readonly challenge = randomBytes(16);

  constructor(
    private readonly session: HoneypotSession,
    private readonly settings: VncSettings,
  ) {}

  begin(): void {
    this.write(Buffer.from(RFB_38, 'latin1'));
    this.reader.expect(12);
    this.session.socket.on('data', (chunk: Buffer) => {
      try {
        let rest = chunk;
        while (rest.length > 0 && this.stage !== 'done' && !this.session.isClosed) {
          const [got, left] = this.reader.feed(rest);
          rest = left;
          if (got) this.step(got);
        }
      } catch {
        this.session.close('service error');
      }
    });
  }

  private write(b: Buffer): void {
    this.session.write(b);
  }

  private step(b: Buffer): void {
    switch (this.stage) {
      case 'version': {
        const v = parseClientVersion(b);
        if (!v) {
          this.stage = 'done';
          this.session.close('bad protocol version');
          return;
        }
        this.version = v;
        if (v === '3.3') {
          this.write(securityType33(2));
          return this.sendChallenge();
        }
        this.write(securityTypes([2]));
        this.stage = 'type';
        this.reader.expect(1);
        return;
      }
      case 'type':
        if (b[0] !== 2) {
          // A type not offered: SecurityResult failed (3.8 with a reason) and close.
          this.stage = 'done';
          this.write(securityResultFailed(this.version, 'Authentication failure'));
          this.session.close('security type refused');
          return;
        }
        return this.sendChallenge();
      case 'response':
        this.stage = 'done';
        this.session.emit('honeypot.auth', { method: 'challenge-response', username: '', response: vncHash(this.challenge, b), hash_type: 'vnc', success: false });
        setTimeout(() => {
          this.write(securityResultFailed(this.version));
          this.session.socket.end();
          setTimeout(() => this.session.close('authentication failed'), 100).unref();
        }, this.settings.failDelayMs).unref();
        return;
      case 'done':
        return;
    }
  }

  private sendChallenge(): void {
    this.write(this.challenge);
    this.stage = 'response';
    this.reader.expect(16);
  }
}
