import { join } from 'node:path';
import ssh2, { type AuthContext, type Connection, type ServerChannel, type Session } from 'ssh2';
import type { Persona } from '../../persona/persona.js';
import { AsciicastRecorder } from '../../runtime/asciicast.js';
import { AuthPolicy, type AuthPolicySpec } from '../../runtime/auth-policy.js';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { ShellFactory, ShellLike } from '../../runtime/shell-like.js';
import { sshProfileFor } from '../../ssh-profile/ssh-profile.js';
import { LineEditor } from '../telnet/line-editor.js';
import { sha256Fingerprint } from './key-fingerprint.js';
import { isScpSink, serveScpSink } from './scp-sink.js';
import { serveSftp } from './sftp-server.js';

export interface SshSettings {
  auth: AuthPolicySpec;
  /** Pause before a password failure is answered (OpenSSH waits ~2-3 s through PAM; 0 for benchmarks). */
  failDelayMs: number;
  /** Authentication attempts before the connection is dropped (sshd's MaxAuthTries is 6). */
  maxAttempts: number;
}

export const SSH_DEFAULTS: SshSettings = { auth: { mode: 'after', attempts: 3 }, failDelayMs: 2000, maxAttempts: 6 };

/**
 * SSH with ssh2 in server mode, presenting the persona's OpenSSH release: its identification string, its
 * algorithm lists (the part ssh2 can run, see ssh-profile.ts) and its host keys. Every authentication attempt
 * is an event (password, public key fingerprint); the accept policy lets some in. Shell and exec run the
 * emulated shell; port forwarding and agent/X11 requests are refused and recorded. Nothing is executed, and
 * no connection is ever opened on the attacker's behalf.
 */
export function sshService(deps: { shell: ShellFactory }): HoneypotService {
  return {
    name: 'ssh',
    defaultPort: 2222,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const settings: SshSettings = { ...SSH_DEFAULTS, ...(ctx.settings as Partial<SshSettings>) };
      const policy = new AuthPolicy(settings.auth);
      const profile = sshProfileFor(ctx.persona);
      const pending = new Map<string, HoneypotSession>();
      const server = new ssh2.Server({
        hostKeys: profile.hostKeyOrder.map((slot) => ctx.persona.hostKeys[slot]),
        ident: profile.identification.replace(/^SSH-2\.0-/, ''),
        algorithms: profile.ssh2,
      });
      server.on('connection', (client: Connection, info: { ip: string; port: number }) => {
        const key = `${info.ip.replace(/^::ffff:/, '')}:${info.port}`;
        const session = pending.get(key);
        pending.delete(key);
        if (!session) {
          client.end();
          return;
        }
        new SshConversation(session, client, ctx, settings, policy, deps.shell).begin();
      });
      server.on('error', () => {});
      return {
        handle(session) {
          pending.set(`${session.ref.src_ip}:${session.ref.src_port}`, session);
          session.onClose(() => pending.delete(`${session.ref.src_ip}:${session.ref.src_port}`));
          server.injectSocket(session.socket);
        },
        async stop() {},
      };
    },
  };
}

class SshConversation {
  private attempts = 0;
  private username = '';

  constructor(
    private readonly session: HoneypotSession,
    private readonly client: Connection,
    private readonly ctx: HoneypotServiceContext,
    private readonly settings: SshSettings,
    private readonly policy: AuthPolicy,
    private readonly shellFactory: ShellFactory,
  ) {}

  begin(): void {
    const c = this.client;
    c.on('error', () => this.session.close('protocol error'));
    c.on('close', () => this.session.close('connection closed'));
    c.on('authentication', (auth) => {
      this.authenticate(auth).catch(() => this.session.close('service error'));
    });
    c.on('ready', () => {
      c.on('session', (accept) => this.onSession(accept()));
      c.on('tcpip', (_accept, reject, info) => {
        this.session.emit('honeypot.forward_request', { kind: 'direct-tcpip', dst_host: String(info.destIP).slice(0, 256), dst_port_requested: Number(info.destPort) || 0 });
        reject();
      });
      c.on('openssh.streamlocal', (_accept, reject, info) => {
        this.session.emit('honeypot.forward_request', { kind: 'streamlocal', dst_host: String(info.socketPath).slice(0, 256), dst_port_requested: 0 });
        reject();
      });
      c.on('request', (_accept, reject, name, info) => {
        if (name === 'tcpip-forward' || name === 'cancel-tcpip-forward') {
          const i = info as { bindAddr?: string; bindPort?: number };
          this.session.emit('honeypot.forward_request', { kind: 'tcpip-forward', dst_host: String(i.bindAddr ?? '').slice(0, 256), dst_port_requested: Number(i.bindPort) || 0 });
        }
        reject?.();
      });
    });
  }

  private async authenticate(auth: AuthContext): Promise<void> {
    this.username = auth.username.slice(0, 256);
    const methods: Array<'publickey' | 'password'> = ['publickey', 'password'];
    if (auth.method === 'none') return auth.reject(methods);
    if (auth.method === 'publickey') {
      const fingerprint = sha256Fingerprint(auth.key.data);
      // A key is only ever offered: without credentials to match, the policy never accepts one.
      if (!auth.signature) this.session.emit('honeypot.auth', { method: 'publickey', username: this.username, fingerprint, key_type: auth.key.algo, success: false });
      return auth.reject(methods);
    }
    if (auth.method === 'keyboard-interactive') {
      return auth.reject(methods);
    }
    if (auth.method !== 'password') return auth.reject(methods);
    this.attempts++;
    const ok = this.policy.accepts(this.username, auth.password, this.attempts);
    this.session.emit('honeypot.auth', { method: 'password', username: this.username, password: auth.password.slice(0, 256), success: ok });
    if (ok) return auth.accept();
    if (this.settings.failDelayMs > 0) await new Promise((r) => setTimeout(r, this.settings.failDelayMs));
    if (this.attempts >= this.settings.maxAttempts) {
      this.session.close('too many authentication failures');
      return;
    }
    auth.reject(methods);
  }

  private onSession(s: Session): void {
    let pty = { term: 'xterm', cols: 80, rows: 24 };
    let hasPty = false;
    s.on('pty', (accept, _reject, info) => {
      hasPty = true;
      pty = { term: String(info.term || 'xterm').slice(0, 40), cols: Math.min(info.cols || 80, 1000), rows: Math.min(info.rows || 24, 1000) };
      accept?.();
    });
    s.on('window-change', (accept) => accept?.());
    s.on('env', (accept) => accept?.());
    s.on('auth-agent', (_accept, reject) => {
      this.session.emit('honeypot.forward_request', { kind: 'agent', dst_host: '', dst_port_requested: 0 });
      reject?.();
    });
    s.on('x11', (_accept, reject) => {
      this.session.emit('honeypot.forward_request', { kind: 'x11', dst_host: '', dst_port_requested: 0 });
      reject?.();
    });
    s.on('sftp', (accept) => serveSftp(accept(), this.session, this.ctx.quarantine, this.ctx.now));
    s.on('subsystem', (_accept, reject) => reject?.());
    s.on('exec', (accept, _reject, info) => {
      const stream = accept();
      const command = String(info.command).slice(0, 8192);
      if (isScpSink(command)) {
        this.session.emit('honeypot.command', { input: command, known: true, username: this.username });
        return serveScpSink(stream, this.session, this.ctx.quarantine);
      }
      const shell = this.makeShell(pty);
      shell
        .execute(command)
        .then(({ output }) => {
          // Without a pty (`ssh host cmd`) output goes out as the program wrote it; a tty would turn \n into \r\n.
          this.write(stream, output, hasPty);
          stream.exit(0);
          stream.end();
        })
        .catch(() => stream.end());
    });
    s.on('shell', (accept) => this.interactive(accept(), pty));
  }

  private makeShell(pty: { term: string; cols: number; rows: number }): ShellLike {
    return this.shellFactory({ session: this.session, persona: this.ctx.persona, username: this.username, tty: 'pts/0', term: pty.term, width: pty.cols, height: pty.rows });
  }

  private write(stream: ServerChannel, text: string, tty = true): void {
    if (!text || this.session.isClosed) return;
    stream.write(tty ? text.replace(/\r?\n/g, '\r\n') : text);
    this.session.noteOutput();
  }

  private interactive(stream: ServerChannel, pty: { term: string; cols: number; rows: number }): void {
    const p: Persona = this.ctx.persona;
    const recorder = new AsciicastRecorder(join(this.ctx.recordings.dir, `${this.session.id}.cast`), { width: pty.cols, height: pty.rows, title: `ssh ${this.username}@${p.hostname} from ${this.session.ref.src_ip}` }, this.ctx.recordings.maxBytes, this.ctx.now);
    this.session.onClose(() => void recorder.close());
    const shell = this.makeShell(pty);
    const out = (t: string) => {
      recorder.output(t.replace(/\r?\n/g, '\r\n'));
      this.write(stream, t);
    };
    out(shell.banner());
    out(shell.prompt());
    let busy: Promise<void> = Promise.resolve();
    const editor = new LineEditor((b) => {
      recorder.output(b.toString('utf8'));
      stream.write(b);
    });
    stream.on('data', (d: Buffer) => {
      recorder.input(d.toString('utf8'));
      for (const ev of editor.feed(d)) {
        busy = busy.then(async () => {
          if (this.session.isClosed) return;
          if (ev.kind === 'eof') {
            out('logout\n');
            stream.exit(0);
            stream.end();
            return;
          }
          if (ev.kind === 'line') {
            const { output, exit } = await shell.execute(ev.text);
            out(output);
            if (exit) {
              stream.exit(0);
              stream.end();
              return;
            }
          }
          out(shell.prompt());
        });
      }
    });
  }
}
