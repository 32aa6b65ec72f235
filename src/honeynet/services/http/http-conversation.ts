import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { apacheRespond } from './apache-responder.js';
import { basicCredentials } from './form-data.js';
import { hostOf, type Rendered, type Reply, type ResponseContext } from './http-reply.js';
import { headerValue, HttpRequestParser, type HttpParseError, type HttpRequest, type ParserLimits } from './http-request-parser.js';
import type { HttpRelease } from './http-release.js';
import { route } from './http-router.js';
import type { HttpSettings } from './http-settings.js';
import { nginxRespond } from './nginx-responder.js';
import { scannerTags, signatureTags } from './request-tags.js';
import { page, type Route } from './route-types.js';
import type { SiteIdentity } from './site-identity.js';

/** Where a conversation's bytes go: the session itself (HTTP) or a TLS layer over it (HTTPS). */
export interface Wire {
  /** false once the session is closed (or the output cap just closed it). */
  write(data: Buffer): boolean;
  /** Flushes and half-closes (TLS: close_notify first). */
  end(): void;
}

/** What every connection of one started service shares. */
export interface Site {
  settings: HttpSettings;
  release: HttpRelease;
  identity: SiteIdentity;
  routes: Route[];
  scheme: 'http' | 'https';
  /** Apache's own name when a request has no Host (the FQDN, or 127.0.1.1 as Debian's /etc/hosts maps the hostname). */
  serverName: string;
  now(): number;
}

/** Limits in `honeypot.request` (the request itself is bounded by the parser's caps). */
const EVENT_MAX_HEADERS = 64;
const EVENT_MAX_NAME = 128;
const EVENT_MAX_VALUE = 2048;
const EVENT_MAX_TARGET = 8192;
/** How long a closing connection may linger for the client to read the last response. */
const CLOSE_GRACE_MS = 5000;

/** nginx's and Apache's default header limits (large_client_header_buffers 4 8k; LimitRequestLine/FieldSize 8190, LimitRequestFields 100). */
function parserLimits(site: Site): ParserLimits {
  return { maxLineBytes: 8192, maxHeaderBytes: 32 * 1024, maxHeaders: 100, maxBodyBytes: site.settings.maxBodyBytes, captureBodyBytes: site.settings.captureBodyBytes, strictFraming: site.release.strictFraming };
}

/** Bytes as sent (latin1 on the wire) read as UTF-8 for the record; invalid sequences become U+FFFD. */
const utf8 = (s: string, max: number) => Buffer.from(s.slice(0, max), 'latin1').toString('utf8');

/**
 * One client connection to the web server: requests parsed as they arrive (pipelined ones in order), each routed,
 * answered in the persona's manner, and recorded as `honeypot.request` (credentials also as `honeypot.auth`).
 * Keep-alive, HTTP/1.0 and 0.9, and closing after errors follow the product.
 */
export class HttpConversation {
  private served = 0;
  private readonly parser: HttpRequestParser;

  constructor(
    private readonly session: HoneypotSession,
    private readonly wire: Wire,
    private readonly site: Site,
  ) {
    this.parser = new HttpRequestParser(parserLimits(site), {
      request: (r) => this.onRequest(r),
      error: (k, r) => this.onError(k, r),
      expectsContinue: () => this.wire.write(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')),
    });
  }

  /** Input bytes held (line in progress and captured body): bounded by the caps. */
  get buffered(): number {
    return this.parser.buffered;
  }

  feed(chunk: Buffer): void {
    try {
      if (!this.session.isClosed) this.parser.feed(chunk);
    } catch {
      this.session.close('service error');
    }
  }

  /** Plain HTTP on nginx's HTTPS port: every request gets the 497 page ("The plain HTTP request was sent to HTTPS port"). */
  plainOnTls = false;

  private onRequest(req: HttpRequest): void {
    const bodyText = req.body.toString('utf8');
    const userAgent = headerValue(req, 'user-agent');
    if (this.plainOnTls) return this.send(req, page(497), ['plain-http-on-tls'], bodyText);
    const host = hostOf(req);
    const origin = `${this.site.scheme}://${host?.name || this.site.identity.fqdn}${host?.port ? `:${host.port}` : ''}`;
    const auth = (username: string, password: string) => this.session.emit('honeypot.auth', { method: 'password', username, password, success: false, ...(userAgent ? { client: userAgent } : {}) });
    // HTTP Basic credentials are a login attempt wherever they are sent (router exploits send them to any path).
    const basic = basicCredentials(headerValue(req, 'authorization'));
    if (basic) auth(basic.username, basic.password);
    const { reply, tags } = route(this.site.routes, {
      req, bodyText, site: this.site.identity, release: this.site.release, settings: this.site.settings, scheme: this.site.scheme, origin, userAgent, now: this.site.now(), auth,
    });
    if (basic) tags.push('login:basic');
    this.send(req, reply, tags, bodyText);
  }

  private onError(kind: HttpParseError, req: HttpRequest | null): void {
    const nginx = this.site.release.product === 'nginx';
    const replies: Record<HttpParseError, Reply> = {
      'bad-request': page(400),
      'bad-chunk': page(400),
      'uri-too-long': page(414),
      'header-too-large': nginx ? page(494) : page(400, { notes: 'Size of a request header field exceeds server limit.' }),
      'too-many-headers': nginx ? page(494) : page(400, { notes: "The number of request header fields exceeds this server's limit." }),
      'body-too-large': page(413),
      'unknown-encoding': page(501),
      'bad-version': page(505),
    };
    this.send(req, replies[kind], [`malformed:${kind}`], req ? req.body.toString('utf8') : '');
  }

  private send(req: HttpRequest | null, reply: Reply, routeTags: string[], bodyText: string): void {
    const ctx: ResponseContext = {
      req, scheme: this.site.scheme, localIp: this.session.ref.dst_ip, localPort: this.session.ref.dst_port, served: this.served, now: this.site.now(), serverName: this.site.serverName,
    };
    const out: Rendered = this.site.release.product === 'nginx' ? nginxRespond(this.site.release, reply, ctx) : apacheRespond(this.site.release, reply, ctx);
    this.record(req, reply, out.status, [...routeTags, ...(reply.tags ?? [])], bodyText);
    this.served++;
    this.wire.write(out.bytes);
    if (!out.keepAlive) this.finish();
  }

  /** No more requests on this connection: the last response is flushed, then the connection closes. */
  finish(): void {
    this.parser.stop();
    this.wire.end();
    setTimeout(() => this.session.close('response complete'), CLOSE_GRACE_MS).unref();
  }

  private record(req: HttpRequest | null, reply: Reply, status: number, tags: string[], bodyText: string): void {
    const ua = req ? headerValue(req, 'user-agent') : undefined;
    const host = req ? headerValue(req, 'host') : undefined;
    const all = new Set([...tags, ...(req ? signatureTags(req, req.body.toString('latin1')) : []), ...scannerTags(ua)]);
    if (reply.canaryToken) all.add('canary');
    this.session.emit('honeypot.request', {
      method: utf8(req?.method ?? '', 64),
      path: utf8(req?.path ?? '', EVENT_MAX_TARGET),
      query: utf8(req?.query ?? '', EVENT_MAX_TARGET),
      http_version: req ? `HTTP/${req.version}` : '',
      ...(host !== undefined ? { host: utf8(host, EVENT_MAX_VALUE) } : {}),
      ...(ua !== undefined ? { user_agent: utf8(ua, EVENT_MAX_VALUE) } : {}),
      headers: (req?.headers ?? []).slice(0, EVENT_MAX_HEADERS).map(([n, v]): [string, string] => [utf8(n, EVENT_MAX_NAME), utf8(v, EVENT_MAX_VALUE)]),
      ...(req && req.bodyBytes > 0 ? { body: bodyText } : {}),
      body_bytes: req?.bodyBytes ?? 0,
      body_truncated: req?.bodyTruncated ?? false,
      status,
      tags: [...all],
      ...(reply.canaryToken ? { canary_token: reply.canaryToken } : {}),
    });
  }
}
