import { join } from 'node:path';
import { issueNet } from '../../persona/login-texts.js';
import { AsciicastRecorder } from '../../runtime/asciicast.js';
import { AuthPolicy, type AuthPolicySpec } from '../../runtime/auth-policy.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { ShellFactory, ShellLike } from '../../runtime/shell-like.js';
import { LineEditor } from './line-editor.js';
import { encodeText, negotiate, OPT, parseNaws, parseTtype, subnegotiation, TelnetDecoder } from './telnet-codec.js';

export interface TelnetSettings {
  auth: AuthPolicySpec;
  /** Pause after a failed login, as login(1)'s FAIL_DELAY (default 3 s; 0 for benchmarks). */
  failDelayMs: number;
  /** Failed logins before the connection is closed (login(1) allows 3 per connection by default here). */
  maxAttempts: number;
}

export const TELNET_DEFAULTS: TelnetSettings = { auth: { mode: 'after', attempts: 2 }, failDelayMs: 3000, maxAttempts: 3 };

/**
 * Telnet as a Debian server's telnetd + login(1) answer it: option negotiation (TTYPE, NAWS, then character mode
 * with WILL ECHO + WILL SGA), `/etc/issue.net`, the `<host> login:` / `Password:` dialogue (captured as
 * `honeypot.auth`), `Login incorrect` after a delay, and on success the motd and the emulated shell. The session
 * is recorded as an asciicast transcript.
 */
export function telnetService(deps: { shell: ShellFactory }): HoneypotService {
  return {
    name: 'telnet',
    defaultPort: 2323,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: TelnetSettings = { ...TELNET_DEFAULTS, ...(ctx.settings as Partial<TelnetSettings>) };
      const policy = new AuthPolicy(settings.auth);
      return {
        handle: (session) => new TelnetConversation(session, ctx, settings, policy, deps.shell).begin(),
        async stop() {},
      };
    },
  };
}

/** What netkit telnetd asks first: terminal type, speed, X display location, environment. */
const FIRST_ASKED = [OPT.TTYPE, OPT.TSPEED, OPT.XDISPLOC, OPT.NEW_ENVIRON];

class TelnetConversation {
  private readonly decoder = new TelnetDecoder();
  private readonly editor: LineEditor;
  private stage: 'user' | 'password' | 'wait' | 'shell' = 'user';
  private username = '';
  private attempts = 0;
  private term = 'vt100';
  private width = 80;
  private height = 24;
  private shell: ShellLike | null = null;
  private recorder: AsciicastRecorder | null = null;
  private busy: Promise<void> = Promise.resolve();
  /** Options already refused (W = their WILL, D = their DO), so a client repeating itself gets one answer. */
  private readonly refused = new Set<string>();
  /** The first DOs not answered yet: telnetd says nothing more until the client has answered all of them. */
  private readonly unanswered = new Set<number>(FIRST_ASKED);
  private greeted = false;

  constructor(
    private readonly session: HoneypotSession,
    private readonly ctx: HoneypotServiceContext,
    private readonly settings: TelnetSettings,
    private readonly policy: AuthPolicy,
    private readonly shellFactory: ShellFactory,
  ) {
    this.editor = new LineEditor((b) => this.raw(b));
  }

  begin(): void {
    const s = this.session.socket;
    // netkit telnetd's getterminaltype(): these four, then nothing until the client has answered them
    // (scanners that do not speak telnet see exactly these 12 bytes, as from a real Linux telnetd).
    this.raw(Buffer.concat(FIRST_ASKED.map((o) => negotiate('DO', o))));
    s.on('data', (chunk: Buffer) => {
      for (const ev of this.decoder.decode(chunk)) {
        if (ev.kind === 'negotiate') {
          this.onNegotiate(ev.verb, ev.option);
          if ((ev.verb === 'WILL' || ev.verb === 'WONT') && this.unanswered.delete(ev.option) && this.unanswered.size === 0) this.greet();
          continue;
        }
        // A client that types before answering (a bot that ignores options) is served anyway.
        if (ev.kind === 'data') this.greet();
        if (ev.kind === 'sub' && ev.option === OPT.NAWS) {
          const size = parseNaws(ev.payload);
          if (size) ({ width: this.width, height: this.height } = size);
        } else if (ev.kind === 'sub' && ev.option === OPT.TTYPE) this.term = parseTtype(ev.payload) ?? this.term;
        else if (ev.kind === 'data') {
          this.recorder?.input(ev.bytes.toString('utf8'));
          for (const le of this.editor.feed(ev.bytes)) this.busy = this.busy.then(() => this.onLine(le)).catch(() => this.session.close('service error'));
        }
      }
    });
    this.session.onClose(() => {
      void this.recorder?.close();
    });
  }

  /** The rest of the negotiation (character mode, window size), `/etc/issue.net` and the login prompt: once. */
  private greet(): void {
    if (this.greeted) return;
    this.greeted = true;
    this.raw(Buffer.concat([negotiate('DO', OPT.NAWS), negotiate('WILL', OPT.ECHO), negotiate('WILL', OPT.SGA)]));
    this.send(`${issueNet(this.ctx.persona)}\n`);
    this.send(this.loginPrompt());
  }

  /**
   * The client's answers and offers (RFC 854/1143): TTYPE and NAWS were asked for (TTYPE then gets its SEND);
   * ECHO and SGA were offered, and a DONT ECHO means the client echoes itself. Anything else is refused once,
   * as telnetd does (WILL LINEMODE → DONT LINEMODE), so a client never waits for an answer.
   */
  private onNegotiate(verb: 'WILL' | 'WONT' | 'DO' | 'DONT', option: number): void {
    if (verb === 'WILL') {
      if (option === OPT.TTYPE) this.raw(subnegotiation(OPT.TTYPE, [1]));
      // Speed and X display: asked for (SEND); the answers are of no use here and are ignored.
      else if (option === OPT.TSPEED || option === OPT.XDISPLOC) this.raw(subnegotiation(option, [1]));
      else if (option === OPT.NEW_ENVIRON) this.raw(subnegotiation(option, [1]));
      // LINEMODE offered unasked (hydra does) is left unanswered: such a client keeps sending whole lines,
      // which the line discipline here handles as it handles characters.
      else if (option !== OPT.NAWS && option !== OPT.LINEMODE && !this.refused.has(`W${option}`)) {
        this.refused.add(`W${option}`);
        this.raw(negotiate('DONT', option));
      }
    } else if (verb === 'DO') {
      if (option === OPT.ECHO) this.editor.clientEchoes = false;
      else if (option !== OPT.SGA && !this.refused.has(`D${option}`)) {
        this.refused.add(`D${option}`);
        this.raw(negotiate('WONT', option));
      }
    } else if (verb === 'DONT' && option === OPT.ECHO) this.editor.clientEchoes = true;
  }

  private loginPrompt(): string {
    return `${this.ctx.persona.hostname} login: `;
  }

  private raw(bytes: Buffer): void {
    this.session.write(bytes);
  }

  private send(text: string): void {
    if (!text) return;
    this.recorder?.output(text.replace(/\r?\n/g, '\r\n'));
    this.raw(encodeText(text));
  }

  private async onLine(ev: { kind: 'line'; text: string } | { kind: 'interrupt' } | { kind: 'eof' }): Promise<void> {
    if (this.session.isClosed) return;
    if (ev.kind === 'eof') {
      if (this.stage === 'shell') this.send('logout\n');
      this.session.close('client logged out');
      return;
    }
    switch (this.stage) {
      case 'user':
        if (ev.kind !== 'line') return this.send(this.loginPrompt());
        this.username = ev.text.trim().slice(0, 256);
        if (!this.username) return this.send(this.loginPrompt());
        this.stage = 'password';
        this.editor.echo = false;
        return this.send('Password: ');
      case 'password': {
        this.editor.echo = true;
        if (ev.kind !== 'line') {
          this.stage = 'user';
          return this.send(`\n${this.loginPrompt()}`);
        }
        this.attempts++;
        const ok = this.policy.accepts(this.username, ev.text, this.attempts);
        this.session.emit('honeypot.auth', { method: 'password', username: this.username, password: ev.text.slice(0, 256), success: ok });
        if (ok) return this.loggedIn();
        this.stage = 'wait';
        if (this.settings.failDelayMs > 0) await new Promise((r) => setTimeout(r, this.settings.failDelayMs));
        this.send('\nLogin incorrect\n');
        if (this.attempts >= this.settings.maxAttempts) {
          this.session.close('too many login failures');
          return;
        }
        this.stage = 'user';
        return this.send(this.loginPrompt());
      }
      case 'wait':
        return; // typed during the failure delay: login(1) discards it
      case 'shell': {
        if (ev.kind !== 'line') return this.send(this.shell!.prompt());
        const { output, exit } = await this.shell!.execute(ev.text);
        this.send(output);
        if (exit) {
          this.session.close('client logged out');
          return;
        }
        return this.send(this.shell!.prompt());
      }
    }
  }

  private loggedIn(): void {
    const p = this.ctx.persona;
    this.stage = 'shell';
    this.recorder = new AsciicastRecorder(join(this.ctx.recordings.dir, `${this.session.id}.cast`), { width: this.width, height: this.height, title: `telnet ${this.username}@${p.hostname} from ${this.session.ref.src_ip}` }, this.ctx.recordings.maxBytes, this.ctx.now);
    this.shell = this.shellFactory({ session: this.session, persona: p, username: this.username, tty: 'pts/0', term: this.term, width: this.width, height: this.height });
    this.send(this.shell.banner());
    this.send(this.shell.prompt());
  }
}
