import { randomBytes } from 'node:crypto';
import type { HttpRequest } from './http-request-parser.js';
import type { HttpRelease } from './http-release.js';
import type { Reply } from './http-reply.js';
import type { HttpSettings } from './http-settings.js';
import type { SiteIdentity } from './site-identity.js';

/** What a route sees of one request. */
export interface RouteContext {
  req: HttpRequest;
  /** The path %-decoded with dot segments resolved: what routes match (never above `/`). */
  path: string;
  query: Map<string, string>;
  /** A urlencoded POST body's fields (empty for other bodies). */
  form: Map<string, string>;
  /** The captured body as text (UTF-8, invalid bytes replaced). */
  bodyText: string;
  site: SiteIdentity;
  release: HttpRelease;
  settings: HttpSettings;
  scheme: 'http' | 'https';
  /** `scheme://host[:port]`, as an application builds its own links from the Host header. */
  origin: string;
  userAgent: string | undefined;
  now: number;
  /** Records a login attempt (they all fail). */
  auth(username: string, password: string): void;
}

/** One row of the route table. */
export interface Route {
  /** An exact path, a prefix (ending in `*`), or a pattern, matched against the normalised path. */
  match: string | RegExp;
  /** Tags every request it answers gets. */
  tags?: readonly string[];
  handle(c: RouteContext): Reply;
}

export function matches(route: Route, path: string): boolean {
  if (typeof route.match !== 'string') return route.match.test(path);
  if (route.match.endsWith('*')) return path.startsWith(route.match.slice(0, -1));
  return path === route.match;
}

/** The server's own page for a status. */
export const page = (status: number, extra: Partial<Reply> = {}): Reply => ({ status, kind: 'page', ...extra });

/** A file the server sends itself. */
export const file = (body: Buffer | string, contentType: string | null, mtime: number, extra: Partial<Reply> = {}): Reply => ({ status: 200, kind: 'static', body, contentType, mtime, ...extra });

/** What an application (PHP, a proxied app) answered. */
export const app = (status: number, body: Buffer | string, contentType: string, headers: Array<[string, string]> = [], extra: Partial<Reply> = {}): Reply => ({ status, kind: 'app', body, contentType, headers, ...extra });

/** A PHP session id as session.sid_bits_per_character=5 makes them (26 chars of 0-9a-v). */
export function phpSessionId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(26)].map((b) => alphabet[b & 31]).join('');
}

/** The headers PHP's session_start() sends with the default `nocache` limiter. */
export function phpSessionHeaders(cookie: string, path = '/'): Array<[string, string]> {
  return [
    ['Set-Cookie', `${cookie}=${phpSessionId()}; path=${path}`],
    ['Expires', 'Thu, 19 Nov 1981 08:52:00 GMT'],
    ['Cache-Control', 'no-store, no-cache, must-revalidate'],
    ['Pragma', 'no-cache'],
  ];
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#039;');
}
