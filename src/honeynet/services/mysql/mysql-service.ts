import { randomBytes } from 'node:crypto';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { accessDenied, authSwitch, errPacket, greeting, hashcatMysqlNative, makeScramble, packet, PacketReader, parseHandshakeResponse, type HandshakeResponse } from './mysql-protocol.js';
import { mysqlRelease, type MysqlRelease } from './mysql-release.js';

export { MysqlSettingsSchema, MYSQL_DEFAULTS, type MysqlSettings } from './mysql-settings.js';
import { MYSQL_DEFAULTS, type MysqlSettings } from './mysql-settings.js';

/**
 * MySQL/MariaDB as the persona's OS package greets (Debian 12: MariaDB 10.11, Ubuntu: MySQL 8.0): a v10 greeting
 * with a fresh 20-byte scramble, no TLS offered, HandshakeResponse41 parsed (user, database, connect attributes),
 * the password proof captured in hashcat's mode 11200 form — clients that answer with another plugin
 * (caching_sha2_password) are switched to mysql_native_password first, as a server whose accounts use it does —
 * and then the server's exact `Access denied` (1045, 28000). Every login fails; the connection then closes.
 */
export function mysqlService(): HoneypotService {
  return {
    name: 'mysql',
    defaultPort: 13306,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: MysqlSettings = { ...MYSQL_DEFAULTS, ...(ctx.settings as Partial<MysqlSettings>) };
      const release = mysqlRelease(ctx.persona);
      const ids = { next: 30 + Math.floor(Math.random() * 300) };
      return {
        handle: (session) => {
          try {
            new MysqlConversation(session, settings, release, ids.next++).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

class MysqlConversation {
  private readonly reader: PacketReader;
  private readonly scramble = makeScramble(randomBytes);
  private stage: 'handshake' | 'switch' | 'done' = 'handshake';
  private hello: HandshakeResponse | null = null;

  constructor(
    private readonly session: HoneypotSession,
    settings: MysqlSettings,
    private readonly release: MysqlRelease,
    private readonly connectionId: number,
  ) {
    this.reader = new PacketReader(settings.maxPacketBytes);
  }

  begin(): void {
    this.send(0, greeting(this.release, this.connectionId, this.scramble));
    this.session.socket.on('data', (chunk: Buffer) => {
      try {
        const packets = this.reader.feed(chunk);
        if (this.reader.failed) {
          this.session.close('protocol error: packet too large');
          return;
        }
        for (const p of packets) {
          if (this.session.isClosed) return;
          this.onPacket(p.seq, p.payload);
        }
      } catch {
        this.session.close('service error');
      }
    });
  }

  private send(seq: number, payload: Buffer): void {
    this.session.write(packet(seq, payload));
  }

  private onPacket(seq: number, payload: Buffer): void {
    if (this.stage === 'handshake') {
      const hello = parseHandshakeResponse(payload);
      if (!hello) {
        this.send(seq + 1, errPacket(1043, '08S01', 'Bad handshake'));
        this.session.close('bad handshake');
        return;
      }
      if (hello.ssl) {
        // TLS was not offered; a client that asks anyway gets the connection closed.
        this.session.close('client insisted on TLS');
        return;
      }
      this.hello = hello;
      const plugin = hello.plugin || 'mysql_native_password';
      if (hello.authResponse.length === 0 || (plugin === 'mysql_native_password' && hello.authResponse.length === 20)) return this.deny(seq, hello.authResponse);
      // Another plugin's answer (caching_sha2_password, ...): switch to mysql_native_password for a crackable proof.
      this.stage = 'switch';
      this.send(seq + 1, authSwitch(this.scramble));
      return;
    }
    if (this.stage === 'switch') return this.deny(seq, payload);
    this.session.close('unexpected packet');
  }

  private deny(seq: number, response: Buffer): void {
    const hello = this.hello!;
    this.stage = 'done';
    const a = hello.attrs;
    const lib = [a._client_name, a._client_version].filter(Boolean).join(' ');
    const client = a.program_name ? `${a.program_name}${lib ? ` (${lib})` : ''}` : lib || undefined;
    const username = hello.username.slice(0, 256);
    const common = { username, success: false, ...(hello.database ? { database: hello.database.slice(0, 256) } : {}), ...(client ? { client } : {}) };
    if (response.length === 0) this.session.emit('honeypot.auth', { method: 'password', password: '', ...common });
    else if (response.length === 20) this.session.emit('honeypot.auth', { method: 'challenge-response', response: hashcatMysqlNative(this.scramble, response), hash_type: 'mysql-native', ...common });
    else this.session.emit('honeypot.auth', { method: 'challenge-response', response: `${this.scramble.toString('hex')}*${response.subarray(0, 512).toString('hex')}`, ...common });
    this.send(seq + 1, accessDenied(hello.username, this.session.ref.src_ip, response.length > 0));
    this.session.close('access denied');
  }
}
