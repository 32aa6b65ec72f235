import { nginxPadsFor, nginxPage, NGINX_MSIE_PADDING, NGINX_STATUS } from './error-pages.js';
import type { HttpRelease } from './http-release.js';
import { nginxGzip, nginxGzips } from './nginx-gzip.js';
import { bodyBuffer, connectionTokens, hostOf, httpDate, type Rendered, type Reply, type ResponseContext } from './http-reply.js';

/** Errors after which nginx does not keep the connection (ngx_http_special_response_handler). */
const CLOSING_PAGES = new Set([400, 413, 414, 494, 497, 500]);

/**
 * nginx's response, in the order ngx_http_header_filter writes it: status line, Server, Date, Content-Type,
 * Content-Length, Last-Modified, Location, Transfer-Encoding, Connection, then the module/upstream headers. No
 * Keep-Alive header (Debian's `keepalive_timeout 65;` sets none); HTTP/1.1 on the status line whatever the request.
 */
export function nginxRespond(rel: HttpRelease, reply: Reply, ctx: ResponseContext): Rendered {
  const req = ctx.req;
  const wireStatus = reply.status === 494 || reply.status === 497 ? 400 : reply.status;
  const head = req?.method === 'HEAD';
  const ua = req?.headers.find(([n]) => n.toLowerCase() === 'user-agent')?.[1];
  let body: Buffer;
  let contentType: string | null | undefined = reply.contentType;
  let length: number | null = null;
  let chunked = false;
  let keepAlive = keepAliveWanted(req) && ctx.served + 1 < rel.keepAliveRequests;

  if (reply.kind === 'page') {
    let page = nginxPage(reply.status, rel.server);
    if (page && wireStatus >= 400 && nginxPadsFor(ua)) page += NGINX_MSIE_PADDING;
    body = Buffer.from(page, 'latin1');
    contentType = page ? 'text/html' : null;
    length = body.length;
    // A status nginx has no page for goes out with neither length nor body, and the connection closes after it.
    if (CLOSING_PAGES.has(reply.status) || !page) keepAlive = false;
  } else {
    body = bodyBuffer(reply.body);
    if (reply.kind === 'static' || wireStatus === 204 || wireStatus === 304) length = body.length;
    else if (!head && req?.version === '1.1') chunked = true;
    else if (!head) keepAlive = false; // an HTTP/1.0 client: the body ends when the connection does
  }
  if (req?.version === '0.9') return { bytes: head ? Buffer.alloc(0) : body, keepAlive: false, status: wireStatus };
  // The gzip filter drops the length (and ranges), weakens the ETag and streams the body chunked.
  const gzip = nginxGzips(req, wireStatus, contentType, length);
  if (gzip) {
    if (!head) body = nginxGzip(body, length !== null);
    chunked = !head;
    length = null;
  }

  // An upstream's Connection is hop-by-hop and dropped; its Date replaces nginx's own and keeps its place in the list.
  const extra = (reply.headers ?? []).filter(([n]) => n.toLowerCase() !== 'connection');
  const ownDate = !(reply.kind === 'app' && extra.some(([n]) => n.toLowerCase() === 'date'));
  const text = NGINX_STATUS[wireStatus];
  const lines = [text ? `HTTP/1.1 ${wireStatus} ${text}` : `HTTP/1.1 ${wireStatus} `, `Server: ${rel.server}`];
  if (ownDate) lines.push(`Date: ${httpDate(ctx.now)}`);
  if (contentType) lines.push(`Content-Type: ${contentType}`);
  if (length !== null && !(reply.kind === 'page' && body.length === 0)) lines.push(`Content-Length: ${length}`);
  if (reply.kind === 'static' && wireStatus === 200 && reply.mtime !== undefined) lines.push(`Last-Modified: ${httpDate(reply.mtime)}`);
  if (reply.location) lines.push(`Location: ${absolute(reply.location, ctx)}`);
  if (chunked) lines.push('Transfer-Encoding: chunked');
  lines.push(keepAlive ? 'Connection: keep-alive' : 'Connection: close');
  if (reply.kind === 'static' && wireStatus === 200) {
    const etag = `"${Math.floor((reply.mtime ?? 0) / 1000).toString(16)}-${bodyBuffer(reply.body).length.toString(16)}"`;
    if (reply.mtime !== undefined) lines.push(`ETag: ${gzip ? `W/${etag}` : etag}`);
    if (!gzip) lines.push('Accept-Ranges: bytes');
  }
  for (const [n, v] of extra) lines.push(`${n}: ${v}`);
  if (gzip) lines.push('Content-Encoding: gzip');
  const headBytes = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (head) return { bytes: headBytes, keepAlive, status: wireStatus };
  const payload = chunked ? chunk(body) : body;
  return { bytes: Buffer.concat([headBytes, payload]), keepAlive, status: wireStatus };
}

function keepAliveWanted(req: ResponseContext['req']): boolean {
  if (!req || req.version === '0.9') return false;
  const tokens = connectionTokens(req);
  if (req.version === '1.1') return !tokens.includes('close');
  return tokens.includes('keep-alive');
}

/** nginx's absolute redirect: the Host header's name (or the local address), the local port unless it is the scheme's. */
function absolute(path: string, ctx: ResponseContext): string {
  if (!path.startsWith('/')) return path;
  const host = hostOf(ctx.req)?.name || ctx.localIp;
  const defaultPort = ctx.scheme === 'https' ? 443 : 80;
  return `${ctx.scheme}://${host}${ctx.localPort === defaultPort ? '' : `:${ctx.localPort}`}${path}`;
}

/** The whole body as one chunk and the last chunk, as nginx sends a PHP page it has fully read. */
function chunk(body: Buffer): Buffer {
  if (body.length === 0) return Buffer.from('0\r\n\r\n', 'latin1');
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1'), body, Buffer.from('\r\n0\r\n\r\n', 'latin1')]);
}
