import { connect, isIP, type Socket } from 'node:net';
import Type, { type Static } from 'typebox';
import type { CheckOutcome, CheckType } from '../check-type.js';
import { HOST_PORT_ALLOWED, invalidTarget, joinHostPort, parseHostPort } from '../check-target.js';
import { startDeadline, type Deadline } from '../deadline.js';
import { describeNetError } from '../net-errors.js';
import { failed, formatMs, neverThrows, quote, roundMs } from '../outcome.js';

export const TcpParams = Type.Object(
  {
    send: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'sent once connected (e.g. "PING\\r\\n")' })),
    expect: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'must appear in the first 4 KiB the server sends (a banner: "SSH-2.0-", "+PONG")' })),
  },
  { additionalProperties: false },
);
export type TcpParams = Static<typeof TcpParams>;

/** The most read while looking for `expect`; a banner is at the start, and a check should not download files. */
export const TCP_READ_LIMIT = 4096;

/**
 * TCP connect to host:port; up when the handshake completes (and, with `expect`, when the server's first bytes
 * contain it). The latency is the handshake alone: a host name's lookup time is reported apart (`lookupMs`).
 */
export const tcpCheck = {
  type: 'tcp',
  description: 'TCP connect to host:port, optionally sending a line and expecting a banner',
  params: TcpParams,
  targetExample: 'db.lan:5432',

  normalizeTarget(target, device) {
    const text = target?.trim() ?? '';
    const portOnly = /^:?(\d+)$/.exec(text);
    if (device && (text === '' || portOnly)) {
      if (!portOnly) throw invalidTarget(target, 'a TCP check needs a port: give the port (22) or host:port', HOST_PORT_ALLOWED);
      const { host, port } = parseHostPort(joinHostPort(device.ip, Number(portOnly[1])));
      return joinHostPort(host, port);
    }
    if (text === '') throw invalidTarget(target, 'a TCP check needs host:port (or a port, when attached to a device)', HOST_PORT_ALLOWED);
    const { host, port } = parseHostPort(text);
    return joinHostPort(host, port);
  },

  run: (input) =>
    neverThrows('tcp', async (): Promise<CheckOutcome> => {
      const { host, port } = parseHostPort(input.target);
      const dl = startDeadline(input.timeoutMs, input.signal);
      const sock = connect({ host, port, noDelay: true });
      sock.on('error', () => {}); // errors after a stage's own listener is gone (a late RST) must not crash the process
      try {
        const c = await connected(sock, host, dl);
        if ('error' in c) return failed(c.error, c.details);
        const base = { ip: c.ip, port, ...(c.lookupMs !== undefined ? { lookupMs: roundMs(c.lookupMs) } : {}) };
        const head = `connected in ${formatMs(c.connectMs)}`;
        const latency = roundMs(c.connectMs);
        if (input.params.send !== undefined) {
          const sent = await written(sock, input.params.send, dl);
          if (sent !== true) return failed(`${head}; sending failed: ${sent}`, base, latency);
        }
        const expect = input.params.expect;
        if (expect === undefined) return { ok: true, latencyMs: latency, message: head, details: base };
        const r = await readUntil(sock, Buffer.from(expect, 'utf8'), dl);
        const details = { ...base, bytes: r.data.length, banner: r.data.toString('utf8', 0, 200) };
        const got = r.data.toString('utf8');
        switch (r.end) {
          case 'found':
            return { ok: true, latencyMs: latency, message: `${head}; ${quote(expect)} received`, details };
          case 'limit':
            return failed(`${head}; ${quote(expect)} not in the first ${TCP_READ_LIMIT} bytes: ${quote(got)}`, details, latency);
          case 'closed':
            return failed(`${head}; connection closed after ${r.data.length} bytes without ${quote(expect)}${r.data.length ? `: ${quote(got)}` : ''}`, details, latency);
          case 'error':
            return failed(`${head}; ${r.error} after ${r.data.length} bytes, before ${quote(expect)}`, details, latency);
          case 'stopped':
            return failed(dl.timedOut() ? `${head}; ${quote(expect)} not received within ${input.timeoutMs} ms (got ${r.data.length} bytes${r.data.length ? `: ${quote(got)}` : ''})` : 'cancelled (monitor stopping)', details, latency);
        }
      } finally {
        sock.destroy();
        dl.dispose();
      }
    }),
} satisfies CheckType<TcpParams>;

type Connected = { ip: string; connectMs: number; lookupMs?: number } | { error: string; details: Record<string, unknown> };

/** Waits for the handshake; says which stage failed (lookup or connect) and why. */
function connected(sock: Socket, host: string, dl: Deadline): Promise<Connected> {
  const start = performance.now();
  let lookupDone: number | undefined;
  let lookedUp: string | undefined;
  return new Promise((resolve) => {
    const done = (r: Connected): void => {
      sock.off('connect', onConnect).off('error', onError);
      dl.signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onLookup = (err: Error | null, address: string): void => {
      if (!err && lookupDone === undefined) {
        lookupDone = performance.now();
        lookedUp = address;
      }
    };
    const onConnect = (): void => {
      const from = lookupDone ?? start;
      done({
        ip: sock.remoteAddress ?? lookedUp ?? '',
        connectMs: performance.now() - from,
        ...(lookupDone !== undefined ? { lookupMs: lookupDone - start } : {}),
      });
    };
    const onError = (err: Error): void => done({ error: describeNetError(err, host), details: { code: (err as NodeJS.ErrnoException).code ?? null } });
    const onAbort = (): void => {
      const stage = isIP(host) === 0 && lookupDone === undefined ? 'lookup' : 'connect';
      const msg = !dl.timedOut() ? 'cancelled (monitor stopping)' : stage === 'lookup' ? `DNS lookup took longer than ${dl.timeoutMs} ms` : `no answer within ${dl.timeoutMs} ms (connect)`;
      done({ error: msg, details: { stage } });
    };
    sock.on('lookup', onLookup).on('connect', onConnect).on('error', onError);
    if (dl.signal.aborted) onAbort();
    else dl.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function written(sock: Socket, text: string, dl: Deadline): Promise<true | string> {
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(dl.timedOut() ? `not sent within ${dl.timeoutMs} ms` : 'cancelled (monitor stopping)');
    dl.signal.addEventListener('abort', onAbort, { once: true });
    sock.write(text, 'utf8', (err) => {
      dl.signal.removeEventListener('abort', onAbort);
      resolve(err ? describeNetError(err) : true);
    });
  });
}

type ReadEnd = { end: 'found' | 'limit' | 'closed' | 'stopped'; data: Buffer } | { end: 'error'; data: Buffer; error: string };

/** Reads until `needle` appears, TCP_READ_LIMIT bytes arrived, the peer closed, or the deadline. */
function readUntil(sock: Socket, needle: Buffer, dl: Deadline): Promise<ReadEnd> {
  let data = Buffer.alloc(0);
  return new Promise((resolve) => {
    const finish = (r: ReadEnd): void => {
      sock.off('data', onData).off('end', onClosed).off('close', onClosed).off('error', onError);
      dl.signal.removeEventListener('abort', onAbort);
      sock.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]).subarray(0, TCP_READ_LIMIT);
      if (data.includes(needle)) finish({ end: 'found', data });
      else if (data.length >= TCP_READ_LIMIT) finish({ end: 'limit', data });
    };
    const onClosed = (): void => finish({ end: 'closed', data });
    const onError = (err: Error): void => finish({ end: 'error', data, error: describeNetError(err) });
    const onAbort = (): void => finish({ end: 'stopped', data });
    sock.on('data', onData).on('end', onClosed).on('close', onClosed).on('error', onError);
    if (dl.signal.aborted) onAbort();
    else dl.signal.addEventListener('abort', onAbort, { once: true });
  });
}
