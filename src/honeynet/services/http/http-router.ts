import { canaryRoute, COMMON_ROUTES, defaultIndex } from './common-routes.js';
import { parseUrlEncoded } from './form-data.js';
import type { Reply } from './http-reply.js';
import { headerValue } from './http-request-parser.js';
import type { HttpSettings } from './http-settings.js';
import { ADMIN_ROUTES } from './portals/admin-portal.js';
import { PHPMYADMIN_HOME, PHPMYADMIN_ROUTES } from './portals/phpmyadmin-portal.js';
import { ROUTER_ROUTES } from './portals/router-portal.js';
import { WORDPRESS_HOME, WORDPRESS_ROUTES } from './portals/wordpress-portal.js';
import { matches, page, type Route, type RouteContext } from './route-types.js';

const HOME: Record<HttpSettings['portal'], Route[]> = {
  admin: ADMIN_ROUTES,
  wordpress: WORDPRESS_HOME,
  router: ROUTER_ROUTES,
  phpmyadmin: PHPMYADMIN_HOME,
  none: [{ match: /^\/(index\.html)?$/, handle: defaultIndex }],
};

/** The one route table of a site: canary URLs, the portal's front page, WordPress, phpMyAdmin, then the probes. */
export function buildRoutes(settings: HttpSettings): Route[] {
  return [canaryRoute(settings.canaryPath), ...HOME[settings.portal], ...WORDPRESS_ROUTES, ...PHPMYADMIN_ROUTES, ...COMMON_ROUTES];
}

/**
 * The path as nginx and Apache resolve it before mapping it to a file: %-escapes decoded, `//` merged, `.` and
 * `..` segments resolved. null when it would climb above the root or holds a NUL: both servers answer 400.
 */
export function normalisePath(raw: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  if (decoded.includes('\0')) return null;
  const out: string[] = [];
  const parts = decoded.split('/');
  for (const seg of parts.slice(1)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(seg);
  }
  const trailing = parts.length > 1 && (parts[parts.length - 1] === '' || parts[parts.length - 1] === '.' || parts[parts.length - 1] === '..');
  return `/${out.join('/')}${trailing && out.length ? '/' : ''}`;
}

/** Methods nginx's static module and Apache's default handler serve a file for. */
function staticMethods(c: RouteContext, reply: Reply): Reply {
  const m = c.req.method;
  if (reply.kind !== 'static' || m === 'GET' || m === 'HEAD') return reply;
  if (c.release.product === 'nginx') return page(405, { tags: reply.tags, canaryToken: reply.canaryToken });
  if (m === 'POST') return reply;
  if (m === 'OPTIONS') return { status: 200, kind: 'app', body: '', contentType: reply.contentType, headers: [['Allow', 'GET,POST,OPTIONS,HEAD']], tags: reply.tags };
  const known = ['PUT', 'DELETE', 'TRACE', 'CONNECT', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'];
  if (!known.includes(m)) return page(501, { tags: reply.tags });
  return page(405, { headers: [['Allow', 'GET,POST,OPTIONS,HEAD']], tags: reply.tags });
}

export interface Routed {
  reply: Reply;
  /** The tags of the route that answered. */
  tags: string[];
}

/** Finds the route for a request and runs it; the server's 404 when none matches. */
export function route(routes: readonly Route[], base: Omit<RouteContext, 'path' | 'query' | 'form'>): Routed {
  const { req } = base;
  if (req.method === 'CONNECT') return { reply: page(base.release.strictFraming ? 405 : 400), tags: ['probe:proxy'] };
  // nginx refuses TRACE outright; Debian's Apache has `TraceEnable Off`.
  if (req.method === 'TRACE') return { reply: page(405), tags: [] };
  if (req.path === '*') return { reply: base.release.product === 'nginx' ? page(400) : { status: 200, kind: 'app', body: '', contentType: null, headers: [['Allow', 'GET,POST,OPTIONS,HEAD']] }, tags: [] };
  const path = normalisePath(req.path);
  if (path === null) return { reply: page(400), tags: [] };
  const type = (headerValue(req, 'content-type') ?? '').toLowerCase();
  const c: RouteContext = {
    ...base,
    path,
    query: parseUrlEncoded(req.query),
    form: req.method === 'POST' && (type === '' || type.startsWith('application/x-www-form-urlencoded')) ? parseUrlEncoded(req.body.toString('latin1')) : new Map(),
  };
  // An absolute-form target asks the server to act as a proxy: it is answered as a local request, as both do.
  const proxy = req.absoluteHost !== undefined ? ['probe:proxy'] : [];
  const found = routes.find((r) => matches(r, path));
  if (!found) return { reply: page(404), tags: proxy };
  return { reply: staticMethods(c, found.handle(c)), tags: [...(found.tags ?? []), ...proxy] };
}
