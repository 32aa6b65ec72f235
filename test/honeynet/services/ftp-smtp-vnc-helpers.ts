/**
 * Shared by the FTP, SMTP and VNC honeypot tests: a raw loopback client that waits for text, running a real tool
 * (curl, swaks, hydra, nmap) with a timeout, and the `nmap -sV` service line of a port.
 */
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';

export const LIMITS = { maxConnections: 100, maxPerIp: 100, connectsPerMinutePerIp: 100_000 };
export const SESSION = { idleTimeoutMs: 30_000, maxSessionMs: 60_000, maxBytesIn: 1 << 22, maxBytesOut: 1 << 22 };

export class RawClient {
  readonly socket: Socket;
  text = '';
  bytes: Buffer = Buffer.alloc(0);
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.bytes = Buffer.concat([this.bytes, d]);
      this.text += d.toString('latin1');
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
  }

  send(s: string | Buffer): void {
    this.socket.write(s);
  }

  /** Waits until the received text matches (returns the match) or fails after `ms`. */
  async waitFor(re: RegExp | string, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (typeof re === 'string' ? this.text.includes(re) : re.test(this.text)) return typeof re === 'string' ? re : re.exec(this.text)![0];
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(re)}; got ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitBytes(n: number, ms = 5000): Promise<Buffer> {
    const deadline = Date.now() + ms;
    while (this.bytes.length < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} bytes; got ${this.bytes.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.bytes;
  }

  async waitClosed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('timed out waiting for close');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export function run(cmd: string, args: string[], timeout = 120_000, input?: string): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout, encoding: 'utf8', maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}`, stdout });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** nmap's `PORT/tcp open SERVICE VERSION` line for one loopback port. */
export async function nmapServiceLine(port: number): Promise<string> {
  const r = await run('nmap', ['-sV', '-Pn', '-p', String(port), '127.0.0.1'], 180_000);
  return r.out.split('\n').find((l) => l.startsWith(`${port}/tcp`)) ?? r.out;
}

export async function waitUntil<T>(what: string, fn: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `false` (run), or a skip reason; under CI=true a missing tool throws instead, so CI cannot pass silently. */
export function toolsOrSkip(tools: Record<string, string | undefined>, apt: string): string | false {
  const missing = Object.entries(tools).filter(([, path]) => path === undefined).map(([name]) => name);
  if (missing.length === 0) return false;
  const reason = `${missing.join(', ')} not installed (apt-get install ${apt})`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}

/** Random chunks at a port, then an abrupt close. */
export function blast(port: number, chunks: Uint8Array[]): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.on('data', () => {});
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
      setTimeout(() => s.destroy(), 15);
    });
  });
}

/** Random byte chunks, sometimes led by a plausible command so the fuzz gets past the greeting stage. */
export function hostileChunks(fc: typeof import('fast-check').default, prefixes: string[]) {
  return fc.tuple(fc.constantFrom('', ...prefixes), fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 8 })).map(([p, cs]) => [Buffer.from(p, 'latin1'), ...cs.map((c) => Buffer.from(c))]);
}
