/**
 * Real local receivers for the notifier tests — an HTTP server, a syslog listener (UDP and TCP), an SMTP sink —
 * all on 127.0.0.1 with a kernel-chosen port, plus alert and dependency builders.
 */
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import type { Alert } from '../../src/notify/alert.js';
import type { NotifierDeps } from '../../src/notify/channel-type.js';
import { silentLogger } from '../../src/core/logger.js';

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

export function alert(over: Partial<Alert> = {}): Alert {
  return {
    rule: 'check-state',
    key: 'check:c1:down',
    severity: 'critical',
    title: 'web-1 is DOWN',
    text: 'web-1 is down after 3 failed results: connection refused',
    device: { id: 7, ip: '10.0.0.7', mac: 'aa:bb:cc:dd:ee:07', vendor: null, hostname: 'web-1.lan' },
    check: { id: 'c1', name: 'web-1', type: 'http', target: 'http://10.0.0.7/health', device_id: 7 },
    tags: ['prod'],
    fields: { check: 'http http://10.0.0.7/health' },
    time: new Date(T0).toISOString(),
    event: { id: '01900000-0000-7000-8000-000000000001', type: 'check.state_changed', time: new Date(T0).toISOString(), sensor: 'gw-1' },
    suppressed: 0,
    summary: false,
    ...over,
  };
}

export function deps(over: Partial<NotifierDeps> = {}): NotifierDeps {
  return { fetch: globalThis.fetch, logger: silentLogger(), now: () => T0, node: 'gw-1', timeoutMs: 2000, ...over };
}

export const signal = () => new AbortController().signal;

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver does with a request: answer with a status (and headers), after an optional delay, or never. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

/** An HTTP server recording every request; `replies` are used in turn (the last one repeats). */
export async function httpReceiver(replies: Reply[] = [{ status: 204 }]) {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let waiters: Array<() => void> = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = replies[Math.min(requests.length, replies.length - 1)]!;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      for (const w of waiters.splice(0)) w();
      if (reply === 'hang') return void hanging.add(res);
      setTimeout(() => res.writeHead(reply.status, reply.headers).end(reply.body ?? ''), reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Resolves once `n` requests have arrived. */
    async waitFor(n: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
      const until = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} requests, got ${requests.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return requests;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      waiters = [];
    },
  };
}

/** A port nothing listens on (bound, then released): connecting gets ECONNREFUSED. */
export async function refusedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A syslog listener on UDP: one datagram per message. */
export async function udpSyslog() {
  const messages: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, messages, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

/** A syslog listener on TCP that parses RFC 6587 octet-counted frames (and fails the test on anything else). */
export async function tcpSyslog() {
  const messages: string[] = [];
  const errors: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((sock) => {
    sockets.add(sock);
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) break;
        const lenText = buf.subarray(0, sp).toString('ascii');
        if (!/^[1-9]\d*$/.test(lenText)) {
          errors.push(`bad frame length ${JSON.stringify(lenText)}`);
          buf = Buffer.alloc(0);
          break;
        }
        const len = Number(lenText);
        if (buf.length < sp + 1 + len) break;
        messages.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    });
    sock.on('end', () => {
      if (buf.length > 0) errors.push(`trailing bytes: ${JSON.stringify(buf.toString('utf8'))}`);
      sock.end();
    });
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    messages,
    errors,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

/**
 * An SMTP sink (`smtp-server`), plain text (no STARTTLS offered), optional PLAIN/LOGIN auth. `rejectTo`
 * recipients get a 550.
 */
export async function smtpSink(opts: { auth?: { user: string; pass: string }; rejectTo?: string[] } = {}) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username });
      cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      if (opts.rejectTo?.includes(address.address)) {
        const err = new Error('mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Headers (unfolded, names lower-case) and body (7bit or quoted-printable decoded) of a one-part message. */
export function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

/** A pino logger writing JSON lines into `lines`. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
