import { apachePage, APACHE_STATUS } from './error-pages.js';
import type { HttpRelease } from './http-release.js';
import { bodyBuffer, connectionTokens, hostOf, httpDate, type Rendered, type Reply, type ResponseContext } from './http-reply.js';

/** Statuses after which Apache closes the connection (ap_status_drops_connection). */
const DROPS_CONNECTION = new Set([400, 408, 411, 413, 414, 500, 501, 503]);

/** Types Debian's mod_deflate (deflate.conf) compresses, so it adds `Vary: Accept-Encoding` to them. */
const DEFLATED = /^(text\/(html|plain|xml|css|javascript)|application\/(x-javascript|javascript|ecmascript|rss\+xml|wasm|xml))\b/;

/** Debian's KeepAliveTimeout. */
const KEEPALIVE_TIMEOUT_S = 5;

/**
 * Apache 2.4's response: status line, Date, Server, the response's own headers (Location, WWW-Authenticate,
 * Last-Modified/ETag/Accept-Ranges, an app's), Content-Length, Vary, then Keep-Alive/Connection and Content-Type
 * last. Keep-Alive and `Connection: Keep-Alive` only when the client asked with a keep-alive token
 * (ap_set_keepalive), `Connection: close` when the connection will not stay.
 */
export function apacheRespond(rel: HttpRelease, reply: Reply, ctx: ResponseContext): Rendered {
  const req = ctx.req;
  const head = req?.method === 'HEAD';
  const status = APACHE_STATUS[reply.status] ? reply.status : 500;
  const method = req?.method ?? 'GET';
  const location = reply.location ? absolute(reply.location, ctx) : undefined;
  let body: Buffer;
  let contentType: string | null | undefined;
  if (reply.kind === 'page') {
    body = Buffer.from(apachePage({ status, method, location, notes: reply.notes, signature: signature(rel, ctx) }), 'latin1');
    contentType = 'text/html; charset=iso-8859-1';
  } else {
    body = bodyBuffer(reply.body);
    contentType = reply.contentType;
  }
  if (req?.version === '0.9') return { bytes: head ? Buffer.alloc(0) : body, keepAlive: false, status };

  // Apache sets Date itself; an application's `Connection: close` ends the connection (the "wimpy" case).
  const extra = (reply.headers ?? []).filter(([n]) => !['date', 'connection'].includes(n.toLowerCase()));
  const appCloses = (reply.headers ?? []).some(([n, v]) => n.toLowerCase() === 'connection' && /close/i.test(v));
  const tokens = connectionTokens(req);
  const keepAlive = !appCloses && !!req && !DROPS_CONNECTION.has(status) && ctx.served < rel.keepAliveRequests && !tokens.includes('close') && (req.version === '1.1' || tokens.includes('keep-alive'));
  const lines = [`HTTP/1.1 ${status} ${APACHE_STATUS[status]}`, `Date: ${httpDate(ctx.now)}`, `Server: ${rel.server}`];
  if (location) lines.push(`Location: ${location}`);
  if (reply.kind === 'static' && status === 200 && reply.mtime !== undefined) {
    lines.push(`Last-Modified: ${httpDate(reply.mtime)}`);
    lines.push(`ETag: "${body.length.toString(16)}-${(reply.mtime * 1000).toString(16)}"`);
    lines.push('Accept-Ranges: bytes');
  }
  for (const [n, v] of extra) lines.push(`${n}: ${v}`);
  if (status !== 204 && status !== 304) lines.push(`Content-Length: ${body.length}`);
  if (reply.kind !== 'page' && contentType && DEFLATED.test(contentType)) lines.push('Vary: Accept-Encoding');
  if (keepAlive && tokens.includes('keep-alive')) {
    lines.push(`Keep-Alive: timeout=${KEEPALIVE_TIMEOUT_S}, max=${rel.keepAliveRequests - ctx.served}`);
    lines.push('Connection: Keep-Alive');
  } else if (!keepAlive) lines.push('Connection: close');
  if (contentType) lines.push(`Content-Type: ${contentType}`);
  const headBytes = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return { bytes: head ? headBytes : Buffer.concat([headBytes, body]), keepAlive, status };
}

/**
 * `UseCanonicalName Off` (the default): the name from the Host header (lowercased), else the server's own name;
 * the port from the Host header, else the one the connection came in on.
 */
function nameAndPort(ctx: ResponseContext): { name: string; port: number } {
  const host = hostOf(ctx.req);
  return { name: host?.name ? host.name.toLowerCase() : ctx.serverName, port: host?.port ?? ctx.localPort };
}

function signature(rel: HttpRelease, ctx: ResponseContext): string {
  const { name, port } = nameAndPort(ctx);
  return `${rel.server} Server at ${escapeAttr(name)} Port ${port}`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function absolute(path: string, ctx: ResponseContext): string {
  if (!path.startsWith('/')) return path;
  const { name, port } = nameAndPort(ctx);
  const defaultPort = ctx.scheme === 'https' ? 443 : 80;
  return `${ctx.scheme}://${name}${port === defaultPort ? '' : `:${port}`}${path}`;
}
