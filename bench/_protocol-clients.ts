/**
 * Minimal attacker-side clients for the `protocols` benchmark: each makes one new connection, one complete failed
 * login in the service's own protocol, and resolves once the server has answered the failure (or rejects). They
 * speak only as much of each protocol as a brute-forcer does, from the specifications, with no client library.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import ssh2 from 'ssh2';

/** A connection (plain, or TLS without verification) whose incoming bytes can be awaited by predicate. */
export class Wire {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private ended: Error | null = null;
  readonly socket: Socket;

  constructor(port: number, tls = false) {
    this.socket = tls ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.waiter?.();
    });
    const end = (err: Error) => {
      this.ended ??= err;
      this.waiter?.();
    };
    this.socket.on('error', end);
    this.socket.on('close', () => end(new Error('connection closed')));
  }

  /** Waits until `take` finds what it needs in the buffer (returns the consumed length and a value). */
  async read<T>(take: (b: Buffer) => { used: number; value: T } | null, timeoutMs = 10_000): Promise<T> {
    const deadline = setTimeout(() => {
      this.ended ??= new Error('timed out');
      this.waiter?.();
    }, timeoutMs);
    try {
      for (;;) {
        const got = take(this.buf);
        if (got) {
          this.buf = this.buf.subarray(got.used);
          return got.value;
        }
        if (this.ended) throw this.ended;
        await new Promise<void>((r) => (this.waiter = r));
        this.waiter = null;
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Text up to and including `needle` (latin1). */
  until(needle: string | RegExp): Promise<string> {
    return this.read((b) => {
      const s = b.toString('latin1');
      const m = typeof needle === 'string' ? (s.includes(needle) ? { index: s.indexOf(needle), length: needle.length } : null) : (() => {
        const r = needle.exec(s);
        return r ? { index: r.index, length: r[0].length } : null;
      })();
      return m ? { used: m.index + m.length, value: s.slice(0, m.index + m.length) } : null;
    });
  }

  bytes(n: number): Promise<Buffer> {
    return this.read((b) => (b.length >= n ? { used: n, value: Buffer.from(b.subarray(0, n)) } : null));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}

export async function conversation(port: number, talk: (w: Wire) => Promise<void>, tls = false): Promise<void> {
  const w = new Wire(port, tls);
  try {
    await talk(w);
  } finally {
    w.close();
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sha1 = (...parts: Buffer[]) => createHash('sha1').update(Buffer.concat(parts)).digest();

function pgFrame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** MySQL packets: 3-byte little-endian length, sequence id, payload. */
function mysqlPacket(b: Buffer): { used: number; value: { seq: number; payload: Buffer } } | null {
  if (b.length < 4) return null;
  const len = b.readUIntLE(0, 3);
  return b.length >= 4 + len ? { used: 4 + len, value: { seq: b[3]!, payload: b.subarray(4, 4 + len) } } : null;
}

function mysqlNativeToken(password: string, scramble: Buffer): Buffer {
  const h1 = sha1(Buffer.from(password));
  const h2 = sha1(scramble, sha1(h1));
  return Buffer.from(h1.map((x, i) => x ^ h2[i]!));
}

/** PostgreSQL backend messages: type byte, 4-byte length (itself included), body. */
function pgMessage(b: Buffer): { used: number; value: { type: string; body: Buffer } } | null {
  if (b.length < 5) return null;
  const len = b.readUInt32BE(1);
  return b.length >= 1 + len ? { used: 1 + len, value: { type: String.fromCharCode(b[0]!), body: b.subarray(5, 1 + len) } } : null;
}

export type LoginAttempt = (port: number, n: number) => Promise<void>;

/** One failed login per call, per service; `n` varies the guessed password. */
export const LOGIN_ATTEMPTS: Record<string, LoginAttempt> = {
  ssh: (port, n) => new Promise<void>((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('error', (err: Error & { level?: string }) => (err.level === 'client-authentication' ? resolve() : reject(err)));
    c.on('ready', () => {
      c.end();
      reject(new Error('ssh: a guessed password was accepted'));
    });
    c.connect({ host: '127.0.0.1', port, username: 'root', password: `guess${n}`, readyTimeout: 10_000, tryKeyboard: false });
  }),
  telnet: (port, n) => conversation(port, async (w) => {
    w.write(Buffer.from([255, 252, 24, 255, 252, 32, 255, 252, 35, 255, 252, 39])); // WONT to telnetd's first DOs
    await w.until('login: ');
    w.write('root\r\n');
    await w.until('Password: ');
    w.write(`guess${n}\r\n`);
    await w.until('Login incorrect');
  }),
  ftp: (port, n) => conversation(port, async (w) => {
    await w.until(/^220[^\n]*\n/m);
    w.write('USER root\r\n');
    await w.until(/^331[^\n]*\n/m);
    w.write(`PASS guess${n}\r\n`);
    await w.until(/^530[^\n]*\n/m);
  }),
  smtp: (port, n) => conversation(port, async (w) => {
    await w.until(/^220[^\n]*\n/m);
    w.write('EHLO bench.example\r\n');
    await w.until(/^250 [^\n]*\n/m);
    w.write(`AUTH PLAIN ${b64(`\0root\0guess${n}`)}\r\n`);
    await w.until(/^535[^\n]*\n/m);
  }),
  redis: (port, n) => conversation(port, async (w) => {
    const pw = `guess${n}`;
    w.write(`*2\r\n$4\r\nAUTH\r\n$${pw.length}\r\n${pw}\r\n`);
    await w.until(/^-[^\n]*\n/m);
  }),
  mysql: (port, n) => conversation(port, async (w) => {
    const greeting = (await w.read(mysqlPacket)).payload;
    // protocol 10: version NUL, thread id (4), scramble part 1 (8), filler, caps, charset, status, caps, auth len, 10 reserved, part 2
    const afterVersion = greeting.indexOf(0, 1) + 1;
    const part1 = greeting.subarray(afterVersion + 4, afterVersion + 12);
    const part2Start = afterVersion + 12 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
    const part2 = greeting.subarray(part2Start, part2Start + 12);
    const token = mysqlNativeToken(`guess${n}`, Buffer.concat([part1, part2]));
    const caps = 0x00000200 | 0x00008000 | 0x00080000 | 0x00000001 | 0x00000004; // PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH | LONG_PASSWORD | LONG_FLAG
    const head = Buffer.alloc(32);
    head.writeUInt32LE(caps, 0);
    head.writeUInt32LE(16 << 20, 4);
    head[8] = 45; // utf8mb4
    const body = Buffer.concat([head, Buffer.from('root\0'), Buffer.from([token.length]), token, Buffer.from('mysql_native_password\0')]);
    const len = Buffer.alloc(4);
    len.writeUIntLE(body.length, 0, 3);
    len[3] = 1;
    w.write(Buffer.concat([len, body]));
    let reply = (await w.read(mysqlPacket));
    if (reply.payload[0] === 0xfe) {
      // Auth switch: plugin name NUL, then the new scramble.
      const nameEnd = reply.payload.indexOf(0, 1);
      const scramble = reply.payload.subarray(nameEnd + 1, nameEnd + 21);
      const t = mysqlNativeToken(`guess${n}`, scramble);
      const h = Buffer.alloc(4);
      h.writeUIntLE(t.length, 0, 3);
      h[3] = reply.seq + 1;
      w.write(Buffer.concat([h, t]));
      reply = await w.read(mysqlPacket);
    }
    if (reply.payload[0] !== 0xff) throw new Error(`mysql: expected an error packet, got 0x${reply.payload[0]?.toString(16)}`);
  }),
  postgres: (port, n) => conversation(port, async (w) => {
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const start = Buffer.alloc(8);
    start.writeUInt32BE(8 + params.length, 0);
    start.writeUInt32BE(196608, 4);
    w.write(Buffer.concat([start, params]));
    const auth = await w.read(pgMessage);
    if (auth.type !== 'R') throw new Error(`postgres: expected an auth request, got ${auth.type}`);
    const kind = auth.body.readUInt32BE(0);
    let password = `guess${n}`;
    if (kind === 5) {
      const salt = auth.body.subarray(4, 8);
      const inner = createHash('md5').update(`${password}postgres`).digest('hex');
      password = `md5${createHash('md5').update(Buffer.concat([Buffer.from(inner), salt])).digest('hex')}`;
    } else if (kind === 10) {
      // SCRAM-SHA-256 (the default): client-first, then a client-final with a proof (a guess's proof costs a
      // PBKDF2 the server never checks, so a random one stands in for it).
      const first = `n,,n=,r=bench${n}nonce`;
      const init = Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), Buffer.alloc(4), Buffer.from(first)]);
      init.writeInt32BE(first.length, 14);
      w.write(pgFrame('p', init));
      const cont = await w.read(pgMessage);
      const nonce = /r=([^,]+)/.exec(cont.body.subarray(4).toString())?.[1];
      if (cont.type !== 'R' || cont.body.readUInt32BE(0) !== 11 || !nonce) throw new Error('postgres: no SCRAM server-first');
      password = `c=biws,r=${nonce},p=${Buffer.alloc(32, n & 0xff).toString('base64')}`;
    } else if (kind !== 3) throw new Error(`postgres: unsupported auth request ${kind}`);
    w.write(pgFrame('p', kind === 10 ? Buffer.from(password) : Buffer.from(`${password}\0`)));
    const err = await w.read(pgMessage);
    if (err.type !== 'E') throw new Error(`postgres: expected an error, got ${err.type}`);
  }),
  // A generic banner port (Dovecot's POP3 greeting): USER/PASS answered per line.
  pop3: (port, n) => conversation(port, async (w) => {
    await w.until('+OK');
    w.write(`USER root\r\nPASS guess${n}\r\n`);
    await w.until(/(-ERR[^\n]*\n[^]*){2}/);
  }),
  // The decoys: a probe line to one of the 100 consecutive decoy ports from `port`, then close (they never answer).
  decoy: (port, n) => conversation(port + (n % 100), async (w) => {
    w.write('GET / HTTP/1.0\r\n\r\n');
    await new Promise((r) => setTimeout(r, 5));
  }),
  vnc: (port) => conversation(port, async (w) => {
    await w.until('\n');
    w.write('RFB 003.008\n');
    const count = (await w.bytes(1))[0]!;
    if (count === 0) throw new Error('vnc: no security types');
    await w.bytes(count);
    w.write(Buffer.from([2]));
    await w.bytes(16);
    w.write(Buffer.alloc(16, 0x41));
    const result = await w.bytes(4);
    if (result.readUInt32BE(0) === 0) throw new Error('vnc: authentication succeeded?');
  }),
};
