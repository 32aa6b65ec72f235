import type { HttpRequest } from './http-request-parser.js';

/** What a route decided; the persona (nginx or Apache) turns it into bytes in its own manner. */
export interface Reply {
  status: number;
  /**
   * `page`: the server's own page for the status (errors, its redirects). `static`: a file the server sends itself
   * (Last-Modified, ETag, Accept-Ranges). `app`: what a PHP or proxied application returned (its own headers, and
   * from nginx a chunked body).
   */
  kind: 'page' | 'static' | 'app';
  body?: Buffer | string;
  /** null: no Content-Type at all (Apache for a file type it does not know). */
  contentType?: string | null;
  /** Headers after the server's own, in order: an app's Set-Cookie, a realm's WWW-Authenticate, 405's Allow. */
  headers?: Array<[string, string]>;
  /** A redirect the server itself makes (a directory without its slash): a path, made absolute by the server. */
  location?: string;
  /** Static files: modification time (epoch ms) for Last-Modified and ETag. */
  mtime?: number;
  /** Apache's error-notes on a 400 page. */
  notes?: string;
  /** What the request was after (`probe:env`, `login:wordpress`, ...), added to the request's own tags. */
  tags?: string[];
  /** A canary URL's token. */
  canaryToken?: string;
}

/** The connection a response goes out on. */
export interface ResponseContext {
  /** null when not even the request line could be read. */
  req: HttpRequest | null;
  scheme: 'http' | 'https';
  localIp: string;
  localPort: number;
  /** Requests answered on this connection before this one. */
  served: number;
  now: number;
  /** The name Apache calls itself without a Host header (the FQDN, or 127.0.1.1 as Debian's /etc/hosts gives it). */
  serverName: string;
}

export interface Rendered {
  bytes: Buffer;
  keepAlive: boolean;
  /** The status on the wire (nginx sends its internal 494 as 400). */
  status: number;
}

/** An HTTP-date (RFC 9110 IMF-fixdate), as both servers send it. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function bodyBuffer(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** The Host header split into name and port (`[::1]:8080` kept bracketed), or null without one. */
export function hostOf(req: HttpRequest | null): { name: string; port: number | null } | null {
  const raw = req?.absoluteHost ?? req?.headers.find(([n]) => n.toLowerCase() === 'host')?.[1];
  if (!raw) return null;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(raw);
  if (!m) return { name: raw, port: null };
  return { name: m[1]!, port: m[2] ? Number(m[2]) : null };
}

export function connectionTokens(req: HttpRequest | null): string[] {
  const v = req?.headers.filter(([n]) => n.toLowerCase() === 'connection').map(([, x]) => x).join(',') ?? '';
  return v.toLowerCase().split(',').map((t) => t.trim()).filter(Boolean);
}
