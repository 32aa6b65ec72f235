import { createSecureContext, type SecureContext } from 'node:tls';
import type { HoneypotService, HoneypotServiceContext, ServiceHandler } from '../../runtime/honeypot-service.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import { apachePage } from './error-pages.js';
import { HttpConversation, type Site, type Wire } from './http-conversation.js';
import { httpRelease } from './http-release.js';
import { buildRoutes } from './http-router.js';
import { HTTP_DEFAULTS, type HttpSettings } from './http-settings.js';
import { siteIdentity } from './site-identity.js';
import { tlsWire } from './tls-wire.js';

export { HttpSettingsSchema, HTTP_DEFAULTS, type HttpSettings } from './http-settings.js';

/** Output waiting in the socket beyond which reading pauses (a client pipelining without reading its answers). */
const MAX_PENDING_OUTPUT = 256 * 1024;

function makeSite(ctx: HoneypotServiceContext, scheme: 'http' | 'https'): Site {
  const settings: HttpSettings = { ...HTTP_DEFAULTS, ...(ctx.settings as Partial<HttpSettings>) };
  const release = httpRelease(ctx.persona, settings.server);
  const identity = siteIdentity(ctx.persona);
  // Apache without a Host header names itself from the hostname: the FQDN when /etc/hosts has one, else the
  // address Debian's /etc/hosts gives the hostname (the familiar "AH00558 ... using 127.0.1.1").
  const serverName = ctx.persona.domain ? identity.fqdn : '127.0.1.1';
  return { settings, release, identity, routes: buildRoutes(settings), scheme, serverName, now: ctx.now };
}

function plainWire(session: HoneypotSession): Wire {
  return {
    write: (data) => session.write(data),
    end: () => {
      if (!session.isClosed) session.socket.end();
    },
  };
}

/**
 * Feeds a conversation, pausing the socket while too much of its output is still unsent (a client pipelining
 * requests without reading the answers). Over TLS, pausing the raw socket stops the ciphertext and so the TLS layer.
 */
function pump(session: HoneypotSession, conv: HttpConversation): (chunk: Buffer) => void {
  const s = session.socket;
  return (chunk) => {
    conv.feed(chunk);
    if (s.writableLength > MAX_PENDING_OUTPUT && !s.isPaused()) {
      s.pause();
      s.once('drain', () => s.resume());
    }
  };
}

function serveHttp(session: HoneypotSession, site: Site): void {
  const conv = new HttpConversation(session, plainWire(session), site);
  const feed = pump(session, conv);
  session.socket.on('data', (chunk: Buffer) => feed(chunk));
}

/** Methods OpenSSL recognises as plain HTTP on a TLS port (SSL_R_HTTP_REQUEST). */
const PLAIN_HTTP = /^(GET|POST|HEAD|PUT|CONNECT|OPTIONS|DELETE|TRACE|PATCH) /;

/**
 * A client that speaks plain HTTP to the HTTPS port gets what the product says to it: nginx its 497 page
 * ("The plain HTTP request was sent to HTTPS port"), Apache (mod_ssl) the 400 page with the "speaking plain
 * HTTP" reason, without headers, as mod_ssl answers the request line it fakes. Anything else is dropped.
 */
function servePlainOnTls(session: HoneypotSession, site: Site, first: Buffer): void {
  if (site.release.product === 'nginx') {
    const conv = new HttpConversation(session, plainWire(session), site);
    conv.plainOnTls = true;
    const feed = pump(session, conv);
    feed(first);
    session.socket.on('data', (chunk: Buffer) => feed(chunk));
    return;
  }
  const line = first.toString('latin1', 0, Math.min(first.length, 8192)).split(/\r?\n/, 1)[0] ?? '';
  const [method = '', target = ''] = line.split(' ');
  session.emit('honeypot.request', {
    method: method.slice(0, 64), path: target.split('?')[0]!.slice(0, 8192), query: target.includes('?') ? target.slice(target.indexOf('?') + 1, 8192) : '',
    http_version: /HTTP\/1\.[01]$/.exec(line)?.[0] ?? '', headers: [], body_bytes: 0, body_truncated: false, status: PLAIN_HTTP.test(line) ? 400 : 0, tags: ['plain-http-on-tls'],
  });
  if (PLAIN_HTTP.test(line)) {
    const notes = "Reason: You're speaking plain HTTP to an SSL-enabled server port.<br />\n Instead use the HTTPS scheme to access this URL, please.<br />\n";
    session.write(Buffer.from(apachePage({ status: 400, method: 'GET', notes, signature: `${site.release.server} Server at ${site.serverName} Port ${session.ref.dst_port}` }), 'latin1'));
  }
  session.socket.end();
  setTimeout(() => session.close('plain http on tls port'), 2000).unref();
}

function serveHttps(session: HoneypotSession, site: Site, context: SecureContext): void {
  session.socket.once('data', (first: Buffer) => {
    try {
      // A TLS handshake record (0x16), or an SSLv2-style ClientHello (high bit set), means TLS.
      if (first[0] !== 0x16 && !(first[0]! & 0x80)) return servePlainOnTls(session, site, first);
      let feed: ((plain: Buffer) => void) | null = null;
      const wire = tlsWire(session, context, first, (plain) => feed?.(plain));
      feed = pump(session, new HttpConversation(session, wire, site));
    } catch {
      session.close('service error');
    }
  });
}

/**
 * An HTTP honeypot that is nginx or Apache as the persona's OS ships it: that server's headers in its order, its
 * error pages byte for byte, its keep-alive manners; a login portal at `/` (generic admin, WordPress, a home
 * router, phpMyAdmin), WordPress and phpMyAdmin logins at their usual paths, an HTTP Basic realm on /admin, and
 * the probe paths scanners ask for. Every request is a `honeypot.request`; every credential a `honeypot.auth`.
 */
export function httpService(): HoneypotService {
  return {
    name: 'http',
    defaultPort: 8080,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      const site = makeSite(ctx, 'http');
      return {
        handle: (session) => {
          try {
            serveHttp(session, site);
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}

/**
 * The same web server over TLS with the persona's own certificate (`persona.tls.snakeoil`, as Debian's ssl-cert
 * makes it), ALPN http/1.1 only. Plain HTTP to this port gets the product's "wrong port" answer.
 */
export function httpsService(): HoneypotService {
  return {
    name: 'https',
    defaultPort: 8443,
    transport: 'tcp',
    async start(ctx: HoneypotServiceContext): Promise<ServiceHandler> {
      // Debian's ssl-cert "snakeoil" pair of the persona (RSA 2048, CN = FQDN): what a fresh nginx/Apache HTTPS site uses.
      const snakeoil = ctx.persona.tls?.snakeoil;
      if (!snakeoil?.key || !snakeoil.cert) {
        throw new Error('the https honeypot needs the persona\'s certificate (persona.tls.snakeoil: key and cert); this persona has none — regenerate the persona or disable honeynet.services.https');
      }
      let context: SecureContext;
      try {
        context = createSecureContext({ key: snakeoil.key, cert: snakeoil.cert, minVersion: 'TLSv1.2' });
      } catch (cause) {
        throw new Error('loading persona.tls.snakeoil for the https honeypot', { cause });
      }
      const site = makeSite(ctx, 'https');
      return {
        handle: (session) => {
          try {
            serveHttps(session, site, context);
          } catch {
            session.close('service error');
          }
        },
        async stop() {},
      };
    },
  };
}
