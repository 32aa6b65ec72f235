import { AuthPolicy } from '../../runtime/auth-policy.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { QuarantineWriter } from '../../runtime/quarantine.js';
import { decodeBase64, parseCommand, parsePath, parsePlain, queueId, SmtpReader, type SmtpEvent } from './smtp-protocol.js';
import { smtpBanner, smtpHostname } from './smtp-release.js';

export { SmtpSettingsSchema, SMTP_DEFAULTS, type SmtpSettings } from './smtp-settings.js';
import { SMTP_DEFAULTS, type SmtpSettings } from './smtp-settings.js';

export const SMTP_REPLIES = {
  ok: '250 2.0.0 Ok',
  mailOk: '250 2.1.0 Ok',
  rcptOk: '250 2.1.5 Ok',
  data: '354 End data with <CR><LF>.<CR><LF>',
  bye: '221 2.0.0 Bye',
  unknown: '502 5.5.2 Error: command not recognized',
  helloFirst: '503 5.5.1 Error: send HELO/EHLO first',
  needMail: '503 5.5.1 Error: need MAIL command',
  needRcpt: '503 5.5.1 Error: need RCPT command',
  nestedMail: '503 5.5.1 Error: nested MAIL command',
  authFailed: '535 5.7.8 Error: authentication failed: authentication failure',
  authOk: '235 2.7.0 Authentication successful',
  tooBig: '552 5.3.4 Error: message file too big',
} as const;

/** The EHLO extensions of a stock Postfix with SASL (no TLS certificate configured, so no STARTTLS). */
export function ehloLines(host: string, maxMessageBytes: number): string[] {
  const ext = [host, 'PIPELINING', `SIZE ${maxMessageBytes}`, 'VRFY', 'ETRN', 'AUTH PLAIN LOGIN', 'ENHANCEDSTATUSCODES', '8BITMIME', 'DSN', 'SMTPUTF8', 'CHUNKING'];
  return ext.map((e, i) => `250${i === ext.length - 1 ? ' ' : '-'}${e}`);
}

/**
 * SMTP as Postfix's smtpd answers it, as open-relay bait: any sender and recipient are accepted and every
 * message is kept in quarantine (a `honeypot.upload`, via `smtp`, named by its first recipient) and answered
 * `queued as <id>` — nothing is ever relayed or delivered, no connection is made out. AUTH PLAIN/LOGIN
 * attempts are captured as `honeypot.auth`.
 */
export function smtpService(): HoneypotService {
  return {
    name: 'smtp',
    defaultPort: 2525,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: SmtpSettings = { ...SMTP_DEFAULTS, ...(ctx.settings as Partial<SmtpSettings>) };
      const policy = new AuthPolicy(settings.auth);
      return {
        handle: (session) => {
          try {
            new SmtpConversation(session, ctx, settings, policy).begin();
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

const KNOWN = new Set(['HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'VRFY', 'ETRN', 'QUIT', 'AUTH', 'STARTTLS', 'XCLIENT', 'XFORWARD']);

class SmtpConversation {
  private readonly reader = new SmtpReader();
  private running = false;
  private readonly host: string;
  private helo = false;
  private authed = false;
  private authStage: null | { mech: 'PLAIN' } | { mech: 'LOGIN'; username?: string } = null;
  private attempts = 0;
  private errors = 0;
  private from: string | null = null;
  private rcpts: string[] = [];
  private messages = 0;
  private msg: { writer: Promise<QuarantineWriter>; size: number; tooBig: boolean } | null = null;
  private bdat: { last: boolean; size: number; refused?: string } | null = null;

  constructor(
    private readonly session: HoneypotSession,
    private readonly ctx: HoneypotServiceContext,
    private readonly settings: SmtpSettings,
    private readonly policy: AuthPolicy,
  ) {
    this.host = smtpHostname(ctx.persona);
  }

  begin(): void {
    this.reply(smtpBanner(this.ctx.persona));
    this.session.socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      if (this.reader.pending > 256 * 1024) this.session.socket.pause();
      void this.drain();
    });
    this.session.onClose(() => {
      const m = this.msg;
      this.msg = null;
      if (m) void m.writer.then((w) => w.abort()).catch(() => {});
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let ev: SmtpEvent | null;
      while (!this.session.isClosed && (ev = this.reader.next())) {
        await this.onEvent(ev);
        if (this.reader.pending < 64 * 1024 && this.session.socket.isPaused()) this.session.socket.resume();
      }
    } catch {
      this.session.close('service error');
    } finally {
      this.running = false;
    }
  }

  private reply(...lines: string[]): void {
    this.session.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  private error(line: string): void {
    this.errors++;
    if (this.errors >= this.settings.maxErrors) {
      this.reply(`421 4.7.0 ${this.host} Error: too many errors`);
      this.session.close('too many errors');
      return;
    }
    this.reply(line);
  }

  private async onEvent(ev: SmtpEvent): Promise<void> {
    switch (ev.kind) {
      case 'data':
      case 'bdat':
        return this.body(ev.bytes);
      case 'data-end':
        return this.endMessage(true);
      case 'bdat-end':
        if (this.bdat?.refused) {
          const why = this.bdat.refused;
          this.bdat = null;
          return this.error(why);
        }
        if (this.bdat?.last) return this.endMessage(true);
        this.reply(`250 2.0.0 Ok: ${this.bdat?.size ?? 0} bytes`);
        return;
      case 'line':
        if (this.authStage) return this.authContinue(ev.text);
        return this.command(ev.text, ev.overflow);
    }
  }

  private async body(bytes: Buffer): Promise<void> {
    if (this.bdat) this.bdat.size += bytes.length;
    const m = this.msg;
    if (!m || this.bdat?.refused) return;
    if (m.tooBig) return;
    const room = this.settings.maxMessageBytes - m.size;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    if (part.length < bytes.length) m.tooBig = true;
    m.size += part.length;
    if (part.length > 0) await (await m.writer).write(part);
  }

  private async endMessage(_final: boolean): Promise<void> {
    const m = this.msg;
    this.msg = null;
    this.bdat = null;
    const rcpt = this.rcpts[0] ?? '';
    this.from = null;
    this.rcpts = [];
    if (!m) return;
    const f = await (await m.writer).finish();
    this.messages++;
    this.session.emit('honeypot.upload', { filename: rcpt.slice(0, 1024), size: f.size, sha256: f.sha256, quarantine: f.path, truncated: f.truncated || m.tooBig, via: 'smtp' });
    if (m.tooBig) return this.reply(SMTP_REPLIES.tooBig);
    this.reply(`250 2.0.0 Ok: queued as ${queueId(this.ctx.now())}`);
  }

  private async command(line: string, overflow: boolean): Promise<void> {
    const { verb, arg } = parseCommand(line);
    this.session.emit('honeypot.command', { input: line.slice(0, 1024), known: KNOWN.has(verb) });
    if (overflow) return this.error('500 5.5.2 Error: line too long');
    switch (verb) {
      case 'EHLO':
      case 'HELO': {
        if (!arg) return this.error(`501 Syntax: ${verb} hostname`);
        this.helo = true;
        this.resetTransaction();
        return verb === 'EHLO' ? this.reply(...ehloLines(this.host, this.settings.maxMessageBytes)) : this.reply(`250 ${this.host}`);
      }
      case 'MAIL': {
        if (!this.helo) return this.error(SMTP_REPLIES.helloFirst);
        if (this.from !== null) return this.error(SMTP_REPLIES.nestedMail);
        const p = parsePath(arg, 'FROM');
        if (!p) return this.error('501 5.5.4 Syntax: MAIL FROM:<address>');
        const size = Number(p.params['SIZE'] ?? '0');
        if (Number.isFinite(size) && size > this.settings.maxMessageBytes) return this.error('552 5.3.4 Message size exceeds fixed limit');
        if (this.messages >= this.settings.maxMessagesPerSession) return this.error('452 4.3.1 Insufficient system storage');
        this.from = p.address;
        return this.reply(SMTP_REPLIES.mailOk);
      }
      case 'RCPT': {
        if (this.from === null) return this.error(SMTP_REPLIES.needMail);
        const p = parsePath(arg, 'TO');
        if (!p) return this.error('501 5.5.4 Syntax: RCPT TO:<address>');
        if (!p.address) return this.error('501 5.1.3 Bad recipient address syntax');
        if (this.rcpts.length >= this.settings.maxRecipients) return this.error('452 4.5.3 Error: too many recipients');
        this.rcpts.push(p.address);
        return this.reply(SMTP_REPLIES.rcptOk);
      }
      case 'DATA':
        if (arg) return this.error('501 5.5.4 Syntax: DATA');
        if (this.from === null) return this.error(SMTP_REPLIES.needMail);
        if (this.rcpts.length === 0) return this.error(SMTP_REPLIES.needRcpt);
        this.msg = { writer: this.ctx.quarantine.begin(), size: 0, tooBig: false };
        this.reader.startData();
        return this.reply(SMTP_REPLIES.data);
      case 'BDAT': {
        const m = /^(\d{1,10})(\s+LAST)?$/i.exec(arg);
        if (!m) return this.error('501 5.5.4 Syntax: BDAT count [LAST]');
        const n = Number(m[1]);
        // The chunk is read (and dropped) even when refused, so the client stays in step.
        this.reader.startBdat(n);
        if (this.from === null || this.rcpts.length === 0) {
          this.bdat = { last: false, size: 0, refused: this.from === null ? SMTP_REPLIES.needMail : SMTP_REPLIES.needRcpt };
          return;
        }
        this.msg ??= { writer: this.ctx.quarantine.begin(), size: 0, tooBig: false };
        this.bdat = { last: Boolean(m[2]), size: 0 };
        return;
      }
      case 'RSET':
        if (arg) return this.error('501 5.5.4 Syntax: RSET');
        this.resetTransaction();
        return this.reply(SMTP_REPLIES.ok);
      case 'NOOP':
        return this.reply(SMTP_REPLIES.ok);
      case 'VRFY':
        if (!arg) return this.error('501 5.5.4 Syntax: VRFY address');
        return this.reply(`252 2.0.0 ${arg.slice(0, 512)}`);
      case 'ETRN':
        if (!this.helo) return this.error(SMTP_REPLIES.helloFirst);
        if (!arg) return this.error('500 5.5.2 Syntax: ETRN domain');
        return this.reply(`459 4.3.0 <${arg.slice(0, 255)}>: service unavailable`);
      case 'QUIT':
        this.reply(SMTP_REPLIES.bye);
        this.session.close('client quit');
        return;
      case 'AUTH':
        return this.authStart(arg);
      default:
        return this.error(SMTP_REPLIES.unknown);
    }
  }

  private resetTransaction(): void {
    const m = this.msg;
    if (m) void m.writer.then((w) => w.abort()).catch(() => {});
    this.msg = null;
    this.bdat = null;
    this.from = null;
    this.rcpts = [];
  }

  private async authStart(arg: string): Promise<void> {
    if (!this.helo) return this.error(SMTP_REPLIES.helloFirst);
    if (this.authed) return this.error('503 5.5.1 Error: already authenticated');
    if (this.from !== null) return this.error('503 5.5.1 Error: MAIL transaction in progress');
    const [mechRaw, initial] = arg.split(/\s+/, 2);
    const mech = (mechRaw ?? '').toUpperCase();
    if (!mech) return this.error('501 5.5.4 Syntax: AUTH mechanism');
    if (mech === 'PLAIN') {
      if (initial !== undefined) return this.authPlain(initial);
      this.authStage = { mech: 'PLAIN' };
      return this.reply('334 ');
    }
    if (mech === 'LOGIN') {
      if (initial !== undefined) {
        const u = decodeBase64(initial);
        if (!u) return this.error('501 5.5.2 Cannot decode response');
        this.authStage = { mech: 'LOGIN', username: u.toString('utf8') };
        return this.reply('334 UGFzc3dvcmQ6');
      }
      this.authStage = { mech: 'LOGIN' };
      return this.reply('334 VXNlcm5hbWU6');
    }
    return this.error('535 5.7.8 Error: authentication failed: Invalid authentication mechanism');
  }

  private async authContinue(text: string): Promise<void> {
    const stage = this.authStage!;
    if (text.trim() === '*') {
      this.authStage = null;
      return this.error('501 5.7.0 Authentication aborted');
    }
    if (stage.mech === 'PLAIN') {
      this.authStage = null;
      return this.authPlain(text);
    }
    const b = decodeBase64(text);
    if (!b) {
      this.authStage = null;
      return this.error('501 5.5.2 Cannot decode response');
    }
    if (stage.username === undefined) {
      this.authStage = { mech: 'LOGIN', username: b.toString('utf8') };
      return this.reply('334 UGFzc3dvcmQ6');
    }
    this.authStage = null;
    return this.authResult(stage.username, b.toString('utf8'));
  }

  private async authPlain(text: string): Promise<void> {
    const b = decodeBase64(text);
    if (!b) return this.error('501 5.5.2 Cannot decode response');
    const p = parsePlain(b);
    if (!p) {
      this.session.emit('honeypot.auth', { method: 'password', username: '', password: b.toString('utf8').slice(0, 256), success: false });
      return this.error(SMTP_REPLIES.authFailed);
    }
    return this.authResult(p.username, p.password);
  }

  private async authResult(username: string, password: string): Promise<void> {
    this.attempts++;
    const ok = this.policy.accepts(username, password, this.attempts);
    this.session.emit('honeypot.auth', { method: 'password', username: username.slice(0, 256), password: password.slice(0, 256), success: ok });
    if (ok) {
      this.authed = true;
      return this.reply(SMTP_REPLIES.authOk);
    }
    if (this.settings.failDelayMs > 0) await new Promise((r) => setTimeout(r, this.settings.failDelayMs));
    return this.error(SMTP_REPLIES.authFailed);
  }
}
