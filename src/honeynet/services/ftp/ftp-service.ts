import { createServer, type Server, type Socket } from 'node:net';
import { AuthPolicy } from '../../runtime/auth-policy.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { QuarantineWriter } from '../../runtime/quarantine.js';
import { FtpTree, listLine } from './ftp-fs.js';
import { FtpLineReader, parseCommand, parseEprt, parsePort, pasvTuple, plainIp } from './ftp-protocol.js';
import { vsftpdVersion } from './ftp-release.js';

export { FtpSettingsSchema, FTP_DEFAULTS, type FtpSettings } from './ftp-settings.js';
import { FTP_DEFAULTS, type FtpSettings } from './ftp-settings.js';

export const FTP_REPLIES = {
  needPassword: '331 Please specify the password.',
  loginOk: '230 Login successful.',
  loginBad: '530 Login incorrect.',
  loginFirst: '530 Please login with USER and PASS.',
  userFirst: '503 Login with USER first.',
  unknown: '500 Unknown command.',
  syst: '215 UNIX Type: L8',
  goodbye: '221 Goodbye.',
  illegalPort: '500 Illegal PORT command.',
  noData: '425 Use PORT or PASV first.',
  failData: '425 Failed to establish connection.',
  retr: '550 Failed to open file.',
  permission: '550 Permission denied.',
  cwdOk: '250 Directory successfully changed.',
  cwdBad: '550 Failed to change directory.',
} as const;

const FEAT = ['211-Features:', ' EPRT', ' EPSV', ' MDTM', ' PASV', ' REST STREAM', ' SIZE', ' TVFS', '211 End'];

export function ftpService(): HoneypotService {
  return {
    name: 'ftp',
    defaultPort: 2121,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: FtpSettings = { ...FTP_DEFAULTS, ...(ctx.settings as Partial<FtpSettings>) };
      const shared = { listeners: new Set<Server>(), policy: new AuthPolicy(settings.auth) };
      return {
        handle: (session) => {
          try {
            new FtpConversation(session, ctx, settings, shared).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {
          for (const s of shared.listeners) s.close();
          shared.listeners.clear();
        },
      };
    },
  };
}

interface Passive {
  server: Server;
  timer: NodeJS.Timeout;
  socket: Promise<Socket | null>;
  /** Settles `socket` with null (closed or timed out before the client connected). */
  cancel(): void;
}

class FtpConversation {
  private readonly reader = new FtpLineReader();
  private readonly queue: string[] = [];
  private running = false;
  private user: string | null = null;
  private loggedIn = false;
  private anonymous = false;
  private attempts = 0;
  private tree: FtpTree | null = null;
  private cwd = '/';
  private passive: Passive | null = null;
  /** `PORT`/`EPRT` to the client's own address was accepted in words; no connection is ever made out. */
  private active = false;
  private uploads = 0;
  private rest = 0;

  constructor(
    private readonly session: HoneypotSession,
    private readonly ctx: HoneypotServiceContext,
    private readonly settings: FtpSettings,
    private readonly shared: { listeners: Set<Server>; policy: AuthPolicy },
  ) {}

  begin(): void {
    this.reply(`220 (vsFTPd ${vsftpdVersion(this.ctx.persona)})`);
    this.session.socket.on('data', (chunk: Buffer) => {
      for (const line of this.reader.feed(chunk)) this.queue.push(line);
      if (this.queue.length > 64) this.session.socket.pause();
      void this.drain();
    });
    this.session.onClose(() => this.closePassive());
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.session.isClosed) {
        const line = this.queue.shift()!;
        await this.command(line);
        if (this.queue.length <= 16 && this.session.socket.isPaused()) this.session.socket.resume();
      }
    } catch {
      this.session.close('service error');
    } finally {
      this.running = false;
    }
  }

  private reply(text: string): void {
    this.session.write(`${text}\r\n`);
  }

  private async command(line: string): Promise<void> {
    const { verb, arg } = parseCommand(line);
    const known = KNOWN.has(verb);
    this.session.emit('honeypot.command', { input: line.slice(0, 1024), known, ...(this.user ? { username: this.user.slice(0, 256) } : {}) });
    if (this.anyState(verb, arg)) return;
    if (!this.loggedIn) return this.preLogin(verb, arg);
    return this.postLogin(verb, arg);
  }

  /** Verbs vsftpd answers the same before and after login; true when `verb` was one of them. */
  private anyState(verb: string, arg: string): boolean {
    switch (verb) {
      case 'QUIT':
        this.reply(FTP_REPLIES.goodbye);
        this.session.close('client quit');
        return true;
      case 'FEAT':
        FEAT.forEach((l) => this.reply(l));
        return true;
      case 'OPTS':
        this.opts(arg);
        return true;
      default:
        return false;
    }
  }

  private async preLogin(verb: string, arg: string): Promise<void> {
    switch (verb) {
      case 'USER':
        this.user = arg.slice(0, 256);
        return this.reply(FTP_REPLIES.needPassword);
      case 'PASS': {
        if (this.user === null) return this.reply(FTP_REPLIES.userFirst);
        const user = this.user;
        const anon = user.toLowerCase() === 'anonymous' || user.toLowerCase() === 'ftp';
        this.attempts++;
        const ok = anon ? this.settings.anonymous : this.shared.policy.accepts(user, arg, this.attempts);
        this.session.emit('honeypot.auth', { method: 'password', username: user, password: arg.slice(0, 256), success: ok });
        if (ok) {
          this.loggedIn = true;
          this.anonymous = anon;
          this.tree = new FtpTree(this.ctx.persona, anon, user);
          this.cwd = this.tree.home;
          return this.reply(FTP_REPLIES.loginOk);
        }
        this.user = null;
        if (this.settings.failDelayMs > 0) await new Promise((r) => setTimeout(r, this.settings.failDelayMs));
        this.reply(FTP_REPLIES.loginBad);
        if (this.attempts >= this.settings.maxAttempts) this.session.close('too many login failures');
        return;
      }
      default:
        return this.reply(FTP_REPLIES.loginFirst);
    }
  }

  private opts(arg: string): void {
    if (/^utf8 on$/i.test(arg.trim())) return this.reply('200 Always in UTF8 mode.');
    return this.reply('501 Option not understood.');
  }

  private async postLogin(verb: string, arg: string): Promise<void> {
    const tree = this.tree!;
    switch (verb) {
      case 'USER':
        return this.reply('530 Can\'t change to another user.');
      case 'PASS':
        return this.reply('230 Already logged in.');
      case 'SYST':
        return this.reply(FTP_REPLIES.syst);
      case 'NOOP':
        return this.reply('200 NOOP ok.');
      case 'PWD':
      case 'XPWD':
        return this.reply(`257 "${this.cwd}" is the current directory`);
      case 'CWD':
      case 'XCWD':
      case 'CDUP':
      case 'XCUP': {
        const target = tree.resolve(this.cwd, verb === 'CDUP' || verb === 'XCUP' ? '..' : arg);
        if (!tree.isDir(target)) return this.reply(FTP_REPLIES.cwdBad);
        this.cwd = target;
        return this.reply(FTP_REPLIES.cwdOk);
      }
      case 'TYPE': {
        const t = arg.trim().toUpperCase();
        if (t === 'I' || t === 'L8' || t === 'L 8') return this.reply('200 Switching to Binary mode.');
        if (t === 'A' || t === 'A N') return this.reply('200 Switching to ASCII mode.');
        return this.reply('500 Unrecognised TYPE command.');
      }
      case 'MODE':
        return this.reply(arg.trim().toUpperCase() === 'S' ? '200 Mode set to S.' : '504 Bad MODE command.');
      case 'STRU':
        return this.reply(arg.trim().toUpperCase() === 'F' ? '200 Structure set to F.' : '504 Bad STRU command.');
      case 'REST':
        this.rest = Math.max(0, Math.min(Number.parseInt(arg, 10) || 0, Number.MAX_SAFE_INTEGER));
        return this.reply(`350 Restart position accepted (${this.rest}).`);
      case 'ABOR':
        return this.reply('225 No transfer to ABOR.');
      case 'HELP':
        return ['214-The following commands are recognized.', ' ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD', ' MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REIN REST RETR RMD  RNFR', ' RNTO SITE SIZE SMNT STAT STOR STOU STRU SYST TYPE USER XCUP XCWD XMKD', ' XPWD XRMD', '214 Help OK.'].forEach((l) => this.reply(l));
      case 'SIZE':
        return this.reply('550 Could not get file size.');
      case 'MDTM':
        return this.reply('550 Could not get file modification time.');
      case 'MKD':
      case 'XMKD':
        return this.reply('550 Create directory operation failed.');
      case 'RMD':
      case 'XRMD':
        return this.reply('550 Remove directory operation failed.');
      case 'DELE':
        return this.reply(this.anonymous ? FTP_REPLIES.permission : '550 Delete operation failed.');
      case 'RNFR':
        return this.reply(this.anonymous ? FTP_REPLIES.permission : '550 RNFR command failed.');
      case 'RNTO':
        return this.reply('503 RNFR required first.');
      case 'SITE':
        return this.reply(/^chmod\b/i.test(arg) ? '550 Permission denied.' : '500 Unknown SITE command.');
      case 'STAT':
        return ['211-FTP server status:', `     Connected to ${plainIp(this.session.socket.remoteAddress)}`, `     Logged in as ${this.anonymous ? 'ftp' : this.user}`, '     TYPE: ASCII', '     No session bandwidth limit', '     Session timeout in seconds is 300', '     Control connection is plain text', '     Data connections will be plain text', `     At session startup, client count was 1`, `     vsFTPd ${vsftpdVersion(this.ctx.persona)} - secure, fast, stable`, '211 End of status'].forEach((l) => this.reply(l));
      case 'PASV':
        return this.openPassive(false);
      case 'EPSV':
        if (/^all$/i.test(arg.trim())) return this.reply('200 EPSV ALL ok.');
        return this.openPassive(true);
      case 'PORT':
      case 'EPRT':
        return this.portCommand(verb, arg);
      case 'LIST':
      case 'NLST':
        return this.list(verb, arg);
      case 'RETR':
        this.closePassive();
        this.active = false;
        return this.reply(FTP_REPLIES.retr);
      case 'STOR':
      case 'STOU':
      case 'APPE':
        return this.store(verb, arg);
      default:
        return this.reply(FTP_REPLIES.unknown);
    }
  }

  /** Active mode is never carried out (no connection out, so no FTP bounce): a foreign address is refused as vsftpd refuses it, the client's own is accepted in words and the transfer then fails to connect. */
  private portCommand(verb: 'PORT' | 'EPRT', arg: string): void {
    this.closePassive();
    const target = verb === 'PORT' ? parsePort(arg) : parseEprt(arg);
    if (!target) return this.reply(verb === 'PORT' ? FTP_REPLIES.illegalPort : '500 Bad EPRT command.');
    if (plainIp(target.host) !== plainIp(this.session.socket.remoteAddress) || target.port < 1024) {
      this.active = false;
      return this.reply(verb === 'PORT' ? FTP_REPLIES.illegalPort : '500 Illegal EPRT command.');
    }
    this.active = true;
    return this.reply(verb === 'PORT' ? '200 PORT command successful. Consider using PASV.' : '200 EPRT command successful. Consider using EPSV.');
  }

  private async openPassive(extended: boolean): Promise<void> {
    this.closePassive();
    this.active = false;
    const local = plainIp(this.session.socket.localAddress);
    const advertised = this.settings.pasvAddress || local;
    if (!extended && !/^\d+\.\d+\.\d+\.\d+$/.test(advertised)) return this.reply('500 OOPS: PASV on IPv6 without pasv_address');
    if (this.shared.listeners.size >= this.settings.maxDataListeners) return this.reply(FTP_REPLIES.failData);
    const server = await this.listen(local);
    if (!server || this.session.isClosed) {
      server?.close();
      return this.reply(FTP_REPLIES.failData);
    }
    const port = (server.address() as { port: number }).port;
    const client = plainIp(this.session.socket.remoteAddress);
    this.shared.listeners.add(server);
    let resolveSocket!: (s: Socket | null) => void;
    const socket = new Promise<Socket | null>((r) => (resolveSocket = r));
    const timer = setTimeout(() => {
      resolveSocket(null);
      this.closePassive();
    }, this.settings.dataTimeoutSec * 1000);
    timer.unref();
    server.on('connection', (s: Socket) => {
      s.on('error', () => {});
      // Only the control connection's client may connect (vsftpd's pasv_promiscuous=NO), and only once.
      if (plainIp(s.remoteAddress) !== client) {
        s.destroy();
        return;
      }
      resolveSocket(s);
      server.close();
      this.shared.listeners.delete(server);
    });
    this.passive = { server, timer, socket, cancel: () => resolveSocket(null) };
    if (extended) return this.reply(`229 Entering Extended Passive Mode (|||${port}|)`);
    return this.reply(`227 Entering Passive Mode (${pasvTuple(advertised, port)}).`);
  }

  private async listen(host: string): Promise<Server | null> {
    const { pasvMinPort: lo, pasvMaxPort: hi } = this.settings;
    const ranged = lo > 0 && hi >= lo;
    for (let i = 0; i < (ranged ? 10 : 1); i++) {
      const port = ranged ? lo + Math.floor(Math.random() * (hi - lo + 1)) : 0;
      const server = createServer({ noDelay: true });
      const ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen({ host, port, backlog: 4, exclusive: true }, () => resolve(true));
      });
      if (ok) {
        server.on('error', () => {});
        return server;
      }
      server.close();
    }
    return null;
  }

  private closePassive(): void {
    const p = this.passive;
    if (!p) return;
    this.passive = null;
    clearTimeout(p.timer);
    p.server.close();
    this.shared.listeners.delete(p.server);
    p.cancel();
    void p.socket.then((s) => s?.destroy());
  }

  /** The data connection of the pending PASV/EPSV, once the client made it; null (after a 425) otherwise. */
  private async dataSocket(): Promise<Socket | null> {
    if (this.active) {
      this.active = false;
      this.reply(FTP_REPLIES.failData);
      return null;
    }
    const p = this.passive;
    if (!p) {
      this.reply(FTP_REPLIES.noData);
      return null;
    }
    const s = await p.socket;
    clearTimeout(p.timer);
    p.server.close();
    this.shared.listeners.delete(p.server);
    this.passive = null;
    if (!s || this.session.isClosed) {
      s?.destroy();
      this.reply(FTP_REPLIES.failData);
      return null;
    }
    this.session.onClose(() => s.destroy());
    return s;
  }

  private async list(verb: 'LIST' | 'NLST', arg: string): Promise<void> {
    const tree = this.tree!;
    const path = arg.replace(/(^|\s)-\w+/g, '').trim();
    const target = tree.resolve(this.cwd, path || '.');
    const entries = tree.list(target) ?? [];
    const s = await this.dataSocket();
    if (!s) return;
    this.reply('150 Here comes the directory listing.');
    const now = this.ctx.now();
    const text = entries.map((e) => (verb === 'LIST' ? listLine(e, now) : path ? `${path.replace(/\/$/, '')}/${e.name}` : e.name)).map((l) => `${l}\r\n`).join('');
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end(text);
    });
    this.reply('226 Directory send OK.');
  }

  private async store(verb: string, arg: string): Promise<void> {
    const name = arg.slice(0, 1024);
    if (!name && verb !== 'STOU') {
      this.closePassive();
      return this.reply('553 Could not create file.');
    }
    if ((this.anonymous && !this.settings.anonymousUpload) || this.uploads >= this.settings.maxUploadsPerSession) {
      this.closePassive();
      this.active = false;
      return this.reply(FTP_REPLIES.permission);
    }
    const s = await this.dataSocket();
    if (!s) return;
    this.uploads++;
    this.reply(verb === 'STOU' ? `150 FILE: ${name || 'stou'}` : '150 Ok to send data.');
    const writer: QuarantineWriter = await this.ctx.quarantine.begin();
    const complete = await new Promise<boolean>((resolve) => {
      let chain: Promise<unknown> = Promise.resolve();
      s.on('data', (chunk: Buffer) => {
        this.session.touch();
        s.pause();
        chain = chain.then(() => writer.write(chunk)).then(() => {
          // Past the per-file cap nothing more is kept: stop reading instead of draining a huge upload.
          if (writer.capped) s.destroy();
          else s.resume();
        }, () => s.destroy());
      });
      s.once('end', () => void chain.then(() => resolve(true)));
      s.once('close', () => void chain.then(() => resolve(writer.capped)));
    });
    s.destroy();
    if (!complete && !writer.capped) {
      await writer.abort();
      return this.reply('426 Failure reading network stream.');
    }
    const f = await writer.finish();
    this.session.emit('honeypot.upload', { filename: this.path(name || 'stou'), size: f.size, sha256: f.sha256, quarantine: f.path, truncated: f.truncated, via: 'ftp' });
    this.rest = 0;
    return this.reply('226 Transfer complete.');
  }

  private path(name: string): string {
    return this.tree ? this.tree.resolve(this.cwd, name).slice(0, 1024) : name;
  }
}

const KNOWN = new Set(['USER', 'PASS', 'QUIT', 'FEAT', 'OPTS', 'SYST', 'NOOP', 'PWD', 'XPWD', 'CWD', 'XCWD', 'CDUP', 'XCUP', 'TYPE', 'MODE', 'STRU', 'REST', 'ABOR', 'HELP', 'SIZE', 'MDTM', 'MKD', 'XMKD', 'RMD', 'XRMD', 'DELE', 'RNFR', 'RNTO', 'SITE', 'STAT', 'PASV', 'EPSV', 'PORT', 'EPRT', 'LIST', 'NLST', 'RETR', 'STOR', 'STOU', 'APPE']);
