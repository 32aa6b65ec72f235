/**
 * The Telnet service on a loopback port, driven by a raw TCP client that speaks Telnet: option negotiation, the
 * login dialogue with captured credentials, `Login incorrect`, the accept policy, a shell session (a test double
 * for the emulated shell) recorded as asciicast, and the connection limit on failed logins.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnyEvent } from '../../../src/core/events.js';
import type { ShellFactory } from '../../../src/honeynet/runtime/shell-like.js';
import { telnetService } from '../../../src/honeynet/services/telnet/telnet-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import type { RunningListener } from '../../../src/honeynet/runtime/tcp-listener.js';
import { startTestService, type TestService } from './service-harness.js';

const persona = TEST_PERSONA;

const shell: ShellFactory = ({ username, persona: p }) => ({
  prompt: () => `${username}@${p.hostname}:~$ `,
  banner: () => `motd of ${p.hostname}\nLast login: Mon Nov 23 10:02:11 2026 from 10.20.30.1\n`,
  execute: async (line) => (line.trim() === 'exit' ? { output: 'logout\n', exit: true } : { output: `ran: ${line}\n`, exit: false }),
});

let svc: TestService;
let listener: RunningListener;
let events: AnyEvent[];
let dir: string;

before(async () => {
  svc = await startTestService(telnetService({ shell }), {
    persona, settings: { auth: { mode: 'credentials', credentials: [{ username: 'root', password: 'toor' }] }, failDelayMs: 50, maxAttempts: 3 },
    limits: { maxConnections: 10, maxPerIp: 10, connectsPerMinutePerIp: 100 }, session: { idleTimeoutMs: 5000, maxSessionMs: 30_000, maxBytesIn: 1 << 20, maxBytesOut: 1 << 20 },
    maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24,
  });
  ({ listener, events, dir } = svc);
});
after(() => svc.close());

/** A Telnet client that records everything received and can wait for a text. */
class Client {
  readonly sock: Socket;
  received = Buffer.alloc(0);
  constructor(port: number) {
    this.sock = connect(port, '127.0.0.1');
    this.sock.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
    this.sock.on('error', () => {});
  }
  text(): string {
    return this.received.toString('latin1');
  }
  async waitFor(s: string, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!this.text().includes(s)) {
      if (Date.now() > end || this.sock.destroyed) assert.fail(`never got ${JSON.stringify(s)}; got ${JSON.stringify(this.text())}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  send(s: string | Buffer): void {
    this.sock.write(s);
  }
  /** What a minimal client answers to telnetd's first four DOs: WONT each (the login prompt follows). */
  refuseFirstOptions(): this {
    this.send(Buffer.from([255, 252, 24, 255, 252, 32, 255, 252, 35, 255, 252, 39]));
    return this;
  }
}

describe('telnet honeypot', () => {
  it('negotiates like telnetd, shows issue.net and the login prompt, and asks for the terminal type', async () => {
    const c = new Client(listener.address.port);
    // netkit telnetd: DO TTYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON, then silence until they are answered.
    await c.waitFor(String.fromCharCode(255, 253, 39));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([...c.received], [255, 253, 24, 255, 253, 32, 255, 253, 35, 255, 253, 39]);
    c.send(Buffer.from([255, 251, 24, 255, 252, 32, 255, 252, 35])); // WILL TTYPE → the server asks: SB TTYPE SEND
    await c.waitFor(String.fromCharCode(255, 250, 24, 1, 255, 240));
    assert.doesNotMatch(c.text(), /login:/, 'still waiting for the NEW-ENVIRON answer');
    c.send(Buffer.from([255, 252, 39]));
    await c.waitFor('fs01 login: ');
    assert.deepEqual([...c.received.subarray(18, 27)], [255, 253, 31, 255, 251, 1, 255, 251, 3]);
    assert.match(c.text(), /Debian GNU\/Linux 12\r\nfs01 login: $/);
    c.sock.destroy();
  });

  it('captures every attempt, says Login incorrect, lets the right credentials in, and runs the shell', async () => {
    const c = new Client(listener.address.port).refuseFirstOptions();
    await c.waitFor('login: ');
    c.send('admin\r\n');
    await c.waitFor('Password: ');
    c.send('admin123\r\n');
    await c.waitFor('Login incorrect');
    assert.doesNotMatch(c.text(), /admin123/, 'the password is not echoed');
    await c.waitFor('\r\nLogin incorrect\r\nfs01 login: ');
    c.send('root\r\n');
    await c.waitFor('Password: ', 3000);
    c.send('toor\r\n');
    await c.waitFor('root@fs01:~$ ');
    // The shell's login banner, with Telnet's CRLF line ends, right before the first prompt.
    assert.match(c.text(), /motd of fs01\r\nLast login: Mon Nov 23 10:02:11 2026 from 10\.20\.30\.1\r\nroot@fs01:~\$ $/);
    c.send('uname -a\r\n');
    await c.waitFor('ran: uname -a\r\n');
    c.send('exit\r\n');
    await new Promise((r) => c.sock.once('close', r));
    const auths = events.filter((e) => e.type === 'honeypot.auth').map((e) => e.type === 'honeypot.auth' && [e.data.username, e.data.password, e.data.success]);
    assert.deepEqual(auths, [['admin', 'admin123', false], ['root', 'toor', true]]);
    const session = events.find((e) => e.type === 'honeypot.auth' && e.data.success)!.session!;
    // The recorder closes its file asynchronously after the session ends: wait for the last frame on disk.
    const castPath = join(dir, 'rec', `${session}.cast`);
    for (let i = 0; i < 200 && !(existsSync(castPath) && readFileSync(castPath, 'utf8').includes('ran: uname -a')); i++) await new Promise((r) => setTimeout(r, 10));
    const cast = readFileSync(castPath, 'utf8').trim().split('\n');
    assert.equal((JSON.parse(cast[0]!) as { version: number }).version, 2);
    assert.ok(cast.some((l) => l.includes('ran: uname -a')));
  });

  it('closes after the maximum failed logins', async () => {
    const c = new Client(listener.address.port).refuseFirstOptions();
    for (let i = 0; i < 3; i++) {
      await c.waitFor(`login: `.repeat(1));
      c.received = Buffer.alloc(0);
      c.send(`user${i}\r\n`);
      await c.waitFor('Password: ');
      c.send('x\r\n');
      await c.waitFor('Login incorrect');
    }
    await new Promise((r) => (c.sock.destroyed ? r(null) : c.sock.once('close', r)));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(events.some((e) => e.type === 'honeypot.close' && e.data.reason === 'too many login failures'));
  });
});
