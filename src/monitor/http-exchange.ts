import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import type { Transform } from 'node:stream';
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { describeNetError } from './net-errors.js';
import { summarizeCert, verifyFailureReason, type CertSummary } from './tls-cert.js';

export type ExchangeStage = 'lookup' | 'connect' | 'tls' | 'response' | 'body';

/** The stage in words, for `no response within 1000 ms (TLS handshake)`. */
export const STAGE_NAMES: Record<ExchangeStage, string> = {
  lookup: 'DNS lookup',
  connect: 'connect',
  tls: 'TLS handshake',
  response: 'waiting for the response',
  body: 'reading the body',
};

export interface ExchangeRequest {
  url: URL;
  method: string;
  /** Lower-case names; `host` is filled from the URL unless given. */
  headers: Record<string, string>;
  body?: string;
  /** Fail before sending anything when the certificate does not verify. */
  tlsVerify: boolean;
  /** Extra trusted CA certificates (PEM), on top of Node's bundled roots. */
  ca?: string;
  /** Whether to read this response's body (not for HEAD or for a redirect about to be followed). */
  wantsBody(res: IncomingMessage): boolean;
  maxBodyBytes: number;
  signal: AbortSignal;
  /** Clock for the certificate's days left. */
  now: number;
}

export interface TlsFacts {
  cert: CertSummary | null;
  protocol: string | null;
  authorized: boolean;
  /** Why the certificate did not verify (also when `tlsVerify` is off). */
  verifyError?: string;
}

export interface ExchangeResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** Decoded (gzip/deflate/br) body, at most `maxBodyBytes`. */
  body: Buffer;
  truncated: boolean;
  tls?: TlsFacts;
  timings: { lookupMs?: number; connectMs: number; tlsMs?: number; firstByteMs: number; totalMs: number };
}

/** A failed exchange: where it stopped, and the certificate when TLS got that far. */
export class ExchangeError extends Error {
  constructor(
    message: string,
    readonly stage: ExchangeStage,
    /** True when the run's signal stopped it (timeout or monitor stopping). */
    readonly stopped: boolean,
    readonly tls?: TlsFacts,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

/**
 * One HTTP request and response over a connection of its own, closed afterwards (no agent, no keep-alive):
 * each check run measures a fresh connect, TLS handshake and response. The connection is opened here rather than
 * by `https.request` so that the peer certificate is inspected before a byte of the request is sent: with
 * `tlsVerify` a certificate that does not verify ends the exchange there, and without it the certificate is
 * still reported.
 */
export function exchange(r: ExchangeRequest): Promise<ExchangeResult> {
  return new Promise<ExchangeResult>((resolve, reject) => {
    const start = performance.now();
    const since = (): number => performance.now() - start;
    const https = r.url.protocol === 'https:';
    const host = r.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(r.url.port) || (https ? 443 : 80);
    let stage: ExchangeStage = isIP(host) ? 'connect' : 'lookup';
    const timings: Partial<ExchangeResult['timings']> = {};
    let tls: TlsFacts | undefined;
    let req: ClientRequest | undefined;
    let res: IncomingMessage | undefined;
    let decoder: Transform | undefined;
    let done = false;

    const sock: Socket = https
      ? tlsConnect({
          host,
          port,
          ...(isIP(host) ? {} : { servername: host }),
          rejectUnauthorized: false, // verified below, after the certificate is read
          ...(r.ca ? { ca: [...rootCertificates, r.ca] } : {}),
          ALPNProtocols: ['http/1.1'],
        })
      : tcpConnect({ host, port });
    sock.setNoDelay(true);

    const finish = (): void => {
      done = true;
      r.signal.removeEventListener('abort', onAbort);
      decoder?.destroy();
      res?.destroy();
      req?.destroy();
      sock.destroy();
    };
    const fail = (message: string, stopped = false): void => {
      if (done) return;
      finish();
      reject(new ExchangeError(message, stage, stopped, tls));
    };
    const onAbort = (): void => fail(`stopped during ${STAGE_NAMES[stage]}`, true);
    const onError = (err: Error): void => {
      const reason = (err as Error & { reason?: string }).reason;
      if (stage === 'tls') fail(`TLS handshake failed: ${reason ?? err.message}`);
      else if (stage === 'body') fail(`connection lost while reading the body: ${describeNetError(err, host)}`);
      else if ((err as NodeJS.ErrnoException).code?.startsWith('HPE_')) fail(`invalid HTTP response: ${reason ?? err.message}`);
      else fail(describeNetError(err, host));
    };

    sock.on('error', onError);
    sock.once('lookup', (err) => {
      if (err) return;
      timings.lookupMs = since();
      stage = 'connect';
    });
    sock.once('connect', () => {
      timings.connectMs = since() - (timings.lookupMs ?? 0);
      if (https) stage = 'tls';
      else send();
    });
    if (https) {
      sock.once('secureConnect', () => {
        timings.tlsMs = since() - (timings.lookupMs ?? 0) - (timings.connectMs ?? 0);
        const t = sock as TLSSocket;
        const peer = t.getPeerCertificate();
        tls = { cert: summarizeCert(peer, r.now), protocol: t.getProtocol(), authorized: t.authorized };
        if (!t.authorized) tls.verifyError = verifyFailureReason(String(t.authorizationError ?? 'unknown'), host, peer);
        if (r.tlsVerify && !t.authorized) return fail(`TLS: ${tls.verifyError}`);
        send();
      });
    }
    if (r.signal.aborted) return onAbort();
    r.signal.addEventListener('abort', onAbort, { once: true });

    function send(): void {
      stage = 'response';
      try {
        req = request({
          createConnection: () => sock,
          method: r.method,
          path: `${r.url.pathname}${r.url.search}`,
          setHost: false,
          headers: { host: r.url.host, ...r.headers },
        });
      } catch (err) {
        return fail(`invalid request: ${(err as Error).message}`);
      }
      req.on('error', onError);
      req.on('response', (response) => {
        res = response;
        timings.firstByteMs = since();
        if (!r.wantsBody(response)) return complete(Buffer.alloc(0), false);
        stage = 'body';
        readBody(response);
      });
      req.end(r.body);
    }

    function readBody(response: IncomingMessage): void {
      const chunks: Buffer[] = [];
      let size = 0;
      const source = decoderFor(String(response.headers['content-encoding'] ?? ''));
      decoder = source ?? undefined;
      const out = source ?? response;
      out.on('data', (chunk: Buffer) => {
        const room = r.maxBodyBytes - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (chunk.length >= room) complete(Buffer.concat(chunks), chunk.length > room || !response.complete);
      });
      out.on('end', () => complete(Buffer.concat(chunks), false));
      if (source) {
        source.on('error', (err: Error) => fail(`cannot decode the ${String(response.headers['content-encoding'])} body: ${err.message}`));
        response.on('data', (c: Buffer) => source.write(c));
        response.on('end', () => source.end());
      }
      response.on('error', onError);
      response.on('close', () => {
        if (!response.complete) fail(`connection closed after ${size} bytes of the body`);
      });
    }

    function complete(body: Buffer, truncated: boolean): void {
      if (done || !res) return;
      const result: ExchangeResult = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body,
        truncated,
        ...(tls ? { tls } : {}),
        timings: { ...timings, connectMs: timings.connectMs ?? 0, firstByteMs: timings.firstByteMs ?? since(), totalMs: since() },
      };
      finish();
      resolve(result);
    }
  });
}

/** A decoder for the response's content encoding; null for identity (or one we do not know: read as is). */
function decoderFor(encoding: string): Transform | null {
  // Like browsers and curl, a body cut short still yields what arrived (SYNC_FLUSH instead of an error).
  const opts = { finishFlush: zlibConstants.Z_SYNC_FLUSH };
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip(opts);
    case 'deflate':
      return createInflate(opts);
    case 'br':
      return createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH });
    default:
      return null;
  }
}
