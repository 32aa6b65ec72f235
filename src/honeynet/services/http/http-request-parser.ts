import { LineReader } from './line-reader.js';

/**
 * A hand-written HTTP/1.x request parser with hard caps, rather than node:http. node:http would answer malformed
 * input with its own 400, add its own Date/Connection/Keep-Alive/Transfer-Encoding headers, and decide keep-alive
 * itself; a web server persona has to do all of those exactly as nginx or Apache does, byte for byte. So the
 * parser only reports what arrived (a request, or which limit or rule it broke) and the persona answers.
 *
 * Strings are latin1 (one char per byte), so nothing the client sent is lost or re-encoded here.
 */
export interface HttpRequest {
  method: string;
  /** The request-target as sent. */
  target: string;
  /** The path without the query, as sent (for an absolute-form target, its path). */
  path: string;
  query: string;
  /** `1.1`, `1.0`; `0.9` when the request line had no version. */
  version: string;
  /** Header names and values as sent, in order. */
  headers: Array<[string, string]>;
  /** The body up to the capture cap (chunked bodies decoded). */
  body: Buffer;
  /** The whole body's length. */
  bodyBytes: number;
  bodyTruncated: boolean;
  /** The host of an absolute-form target (`GET http://example.com/ HTTP/1.1`: a proxy probe). */
  absoluteHost?: string;
}

/** Why a request was refused; each persona maps it to its own status and page. */
export type HttpParseError =
  | 'bad-request'
  | 'uri-too-long'
  | 'header-too-large'
  | 'too-many-headers'
  | 'body-too-large'
  | 'bad-chunk'
  | 'unknown-encoding'
  | 'bad-version';

export interface ParserLimits {
  /** Longest request line or header line (nginx large_client_header_buffers 8k, Apache LimitRequestLine/FieldSize 8190). */
  maxLineBytes: number;
  /** All header lines together (nginx: 4 × 8k). */
  maxHeaderBytes: number;
  /** Header fields at most (Apache LimitRequestFields 100). */
  maxHeaders: number;
  maxBodyBytes: number;
  captureBodyBytes: number;
  /** Refuse Content-Length together with Transfer-Encoding, and Transfer-Encoding in HTTP/1.0 (nginx ≥ 1.21.1, Apache). */
  strictFraming: boolean;
}

export interface ParserSink {
  request(req: HttpRequest): void;
  /** The parser stops after an error; `req` holds what was read of the request, if its line was. */
  error(kind: HttpParseError, req: HttpRequest | null): void;
  /** An HTTP/1.1 client sent `Expect: 100-continue` and its body is acceptable: both servers say `100 Continue`. */
  expectsContinue(req: HttpRequest): void;
}

type State = 'line' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'stopped';

const CHUNK_LINE_MAX = 4096;
const REQUEST_LINE = /^([^ ]+) +([^ ]+)(?: +HTTP\/(\d+)\.(\d+))? *$/;
const CHUNK_SIZE = /^([0-9a-fA-F]{1,16})[ \t]*(?:;.*)?$/;

export function headerValue(req: HttpRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  return req.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

function emptyRequest(method: string, target: string): HttpRequest {
  const q = target.indexOf('?');
  return { method, target, path: q === -1 ? target : target.slice(0, q), query: q === -1 ? '' : target.slice(q + 1), version: '1.1', headers: [], body: Buffer.alloc(0), bodyBytes: 0, bodyTruncated: false };
}

export class HttpRequestParser {
  private state: State = 'line';
  private readonly lines: LineReader;
  private req: HttpRequest | null = null;
  private headBytes = 0;
  private remaining = 0;
  private parts: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly limits: ParserLimits,
    private readonly sink: ParserSink,
  ) {
    this.lines = new LineReader(limits.maxLineBytes);
  }

  /** Bytes held between calls (line in progress and captured body): bounded by the caps. */
  get buffered(): number {
    return this.lines.pending + this.kept;
  }

  /** No more requests are parsed (the connection is closing). */
  stop(): void {
    this.state = 'stopped';
    this.parts = [];
    this.kept = 0;
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  feed(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && this.state !== 'stopped') {
      switch (this.state) {
        case 'line':
        case 'headers':
        case 'chunk-size':
        case 'chunk-end':
        case 'trailers': {
          const r = this.lines.take(chunk, off);
          off = r.next;
          if (r.overflow) {
            this.onOverflow();
            break;
          }
          if (r.line !== null) this.onLine(r.line);
          break;
        }
        case 'body':
        case 'chunk-data': {
          const n = Math.min(this.remaining, chunk.length - off);
          this.keep(chunk.subarray(off, off + n));
          this.remaining -= n;
          off += n;
          if (this.remaining === 0) {
            if (this.state === 'body') this.complete();
            else this.toLineState('chunk-end', 2);
          }
          break;
        }
      }
    }
  }

  private onOverflow(): void {
    switch (this.state) {
      case 'line':
        return this.fail('uri-too-long');
      case 'headers':
        return this.fail('header-too-large');
      default:
        return this.fail('bad-chunk');
    }
  }

  private onLine(line: string): void {
    switch (this.state) {
      case 'line':
        if (line === '') return; // empty lines before a request line are skipped, as nginx and Apache do
        return this.startRequest(line);
      case 'headers':
        return this.onHeaderLine(line);
      case 'chunk-size':
        return this.onChunkSize(line);
      case 'chunk-end':
        if (line !== '') return this.fail('bad-chunk');
        return this.toLineState('chunk-size', CHUNK_LINE_MAX);
      case 'trailers':
        if (line === '') return this.complete();
        this.headBytes += line.length + 2;
        if (this.headBytes > this.limits.maxHeaderBytes) return this.fail('bad-chunk');
        return;
      default:
        return;
    }
  }

  private startRequest(line: string): void {
    this.headBytes = line.length + 2;
    const m = REQUEST_LINE.exec(line);
    if (!m) {
      const [method = '', target = ''] = line.split(' ', 2);
      this.req = emptyRequest(method.slice(0, 64), target);
      return this.fail('bad-request');
    }
    const method = m[1]!;
    const target = m[2]!;
    const req = emptyRequest(method, target);
    this.req = req;
    if (!/^[A-Z_-]{1,32}$/.test(method)) return this.fail('bad-request');
    if (m[3] === undefined) {
      req.version = '0.9';
      if (method !== 'GET' || !target.startsWith('/')) return this.fail('bad-request');
      return this.complete();
    }
    const major = Number(m[3]);
    const minor = Number(m[4]);
    if (major > 1 || m[3].length > 3 || m[4]!.length > 3) return this.fail('bad-version');
    if (major < 1) return this.fail('bad-request');
    req.version = minor >= 1 ? '1.1' : '1.0';
    const abs = /^https?:\/\/([^/?#]*)(.*)$/i.exec(target);
    if (abs) {
      req.absoluteHost = abs[1]!;
      const rest = abs[2] || '/';
      const q = rest.indexOf('?');
      req.path = q === -1 ? rest : rest.slice(0, q);
      req.query = q === -1 ? '' : rest.slice(q + 1);
    } else if (!target.startsWith('/') && !(target === '*' && method === 'OPTIONS') && method !== 'CONNECT') {
      return this.fail('bad-request');
    }
    this.state = 'headers';
  }

  private onHeaderLine(line: string): void {
    const req = this.req!;
    if (line === '') return this.endHead(req);
    this.headBytes += line.length + 2;
    if (this.headBytes > this.limits.maxHeaderBytes) return this.fail('header-too-large');
    if (line.startsWith(' ') || line.startsWith('\t')) return this.fail('bad-request'); // obsolete line folding
    const colon = line.indexOf(':');
    if (colon <= 0 || /[ \t]/.test(line.slice(0, colon))) return this.fail('bad-request');
    if (req.headers.length >= this.limits.maxHeaders) return this.fail('too-many-headers');
    req.headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }

  private endHead(req: HttpRequest): void {
    const all = (name: string) => req.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
    const expects = req.version === '1.1' && all('expect').some((v) => v.toLowerCase() === '100-continue');
    const hosts = all('host');
    if (hosts.length > 1 || (req.version === '1.1' && hosts.length === 0)) return this.fail('bad-request');
    const te = all('transfer-encoding');
    const cl = all('content-length');
    if (te.length > 0) {
      if (this.limits.strictFraming && (cl.length > 0 || req.version === '1.0')) return this.fail('bad-request');
      if (te.length > 1 || te[0]!.toLowerCase() !== 'chunked') return this.fail('unknown-encoding');
      if (expects) this.sink.expectsContinue(req);
      return this.toLineState('chunk-size', CHUNK_LINE_MAX);
    }
    if (cl.length > 0) {
      if (!cl.every((v) => /^\d{1,18}$/.test(v) && v === cl[0])) return this.fail('bad-request');
      const n = Number(cl[0]);
      req.bodyBytes = n;
      if (n > this.limits.maxBodyBytes) return this.fail('body-too-large');
      if (n > 0) {
        if (expects) this.sink.expectsContinue(req);
        this.remaining = n;
        this.state = 'body';
        return;
      }
    }
    this.complete();
  }

  private onChunkSize(line: string): void {
    const m = CHUNK_SIZE.exec(line);
    if (!m) return this.fail('bad-chunk');
    const size = parseInt(m[1]!, 16);
    const req = this.req!;
    if (req.bodyBytes + size > this.limits.maxBodyBytes) return this.fail('body-too-large');
    req.bodyBytes += size;
    if (size === 0) {
      this.headBytes = 0;
      return this.toLineState('trailers', this.limits.maxLineBytes);
    }
    this.remaining = size;
    this.state = 'chunk-data';
  }

  private toLineState(state: State, cap: number): void {
    this.state = state;
    this.lines.setCap(cap);
  }

  private keep(b: Buffer): void {
    if (this.state === 'body' || this.state === 'chunk-data') {
      const room = this.limits.captureBodyBytes - this.kept;
      if (room > 0 && b.length > 0) {
        const part = Buffer.from(b.subarray(0, room)); // a copy: the socket's chunk is not held
        this.parts.push(part);
        this.kept += part.length;
      }
    }
  }

  private takeBody(req: HttpRequest): void {
    req.body = Buffer.concat(this.parts, this.kept);
    req.bodyTruncated = req.bodyBytes > this.kept;
    this.parts = [];
    this.kept = 0;
  }

  private complete(): void {
    const req = this.req!;
    this.takeBody(req);
    this.req = null;
    this.toLineState('line', this.limits.maxLineBytes);
    this.sink.request(req);
  }

  private fail(kind: HttpParseError): void {
    const req = this.req;
    if (req) this.takeBody(req);
    this.req = null;
    this.stop();
    this.sink.error(kind, req);
  }
}
