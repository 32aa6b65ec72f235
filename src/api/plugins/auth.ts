import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { TokenAuthenticator, type Principal, type TokenAuthOptions } from '../token-auth.js';
import { sendError } from './errors.js';
import { globalPlugin } from './plugin.js';

/** Who may call a route: `none` (public), `viewer` (any valid token) or `admin`. */
export type AuthLevel = 'none' | 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's token, or null (no or bad token). Set before rate limiting, which is keyed on it. */
    principal: Principal | null;
    /** A bearer token was presented but is unknown or revoked. */
    badToken: boolean;
  }
  interface FastifyContextConfig {
    /** Default: `viewer` for GET/HEAD, `admin` for every other method. */
    auth?: AuthLevel;
  }
}

export interface AuthPluginOptions extends Record<string, unknown> {
  ctx: AppContext;
  tokens?: TokenAuthOptions;
}

const REALM = 'Bearer realm="lnmt"';

/**
 * Bearer-token authentication in two steps, so rate limiting can sit between them:
 * 1. `onRequest` (app level, runs before the rate limiter's route-level `onRequest`): resolve the token to a
 *    principal — from the cache in microseconds — and never reject;
 * 2. `preParsing` (before any body is read): reject with 401 (no/bad token, with a `WWW-Authenticate` header
 *    per RFC 6750) or 403 (a viewer calling a write route).
 * The rate limiter therefore counts unauthenticated requests per client IP (bad-token floods are throttled)
 * and authenticated ones per token.
 */
export const authPlugin = globalPlugin<AuthPluginOptions>('lnmt-auth', async (app, opts) => {
  const auth = new TokenAuthenticator(opts.ctx.repos.tokens, { logger: opts.ctx.logger, ...opts.tokens });
  app.decorate('tokenAuth', auth);
  app.decorateRequest('principal', null);
  app.decorateRequest('badToken', false);
  app.addHook('onClose', () => auth.close());

  // Callback style: a cached token resolves synchronously, without a promise per request.
  app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const header = req.headers.authorization;
    if (header === undefined) return done();
    const secret = bearer(header);
    if (secret === null) {
      req.badToken = true;
      return done();
    }
    const p = auth.authenticate(secret);
    if (!(p instanceof Promise)) {
      req.principal = p;
      req.badToken = p === null;
      return done();
    }
    p.then(
      (principal) => {
        req.principal = principal;
        req.badToken = principal === null;
        done();
      },
      (cause: unknown) => done(new LnmtError('LNMT_ERR_STORE', 'cannot check the API token: the store is not answering', { cause })),
    );
  });

  app.addHook('preParsing', (req: FastifyRequest, reply: FastifyReply, payload, done) => {
    if (req.is404) return done(null, payload);
    const need: AuthLevel = req.routeOptions.config.auth ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'admin');
    if (need === 'none') return done(null, payload);
    const p = req.principal;
    if (p === null) {
      const err = req.badToken
        ? new LnmtError('LNMT_ERR_UNAUTHORIZED', 'the bearer token is unknown or revoked', { details: [{ where: 'headers.authorization', message: 'unknown or revoked token', allowed: 'Bearer lnmt_... (create one with `lnmt token create`)' }] })
        : new LnmtError('LNMT_ERR_UNAUTHORIZED', 'this route needs an API token: send `Authorization: Bearer <token>`', { details: [{ where: 'headers.authorization', message: 'missing', allowed: 'Bearer lnmt_... (create one with `lnmt token create`)' }] });
      void reply.header('www-authenticate', req.badToken ? `${REALM}, error="invalid_token"` : REALM);
      sendError(reply, err);
      return;
    }
    if (need === 'admin' && p.role !== 'admin') {
      sendError(reply, new LnmtError('LNMT_ERR_FORBIDDEN', `token "${p.name}" has role ${p.role}; ${req.method} ${req.routeOptions.url} needs an admin token`, {
        details: [{ where: 'headers.authorization', value: p.role, message: 'role not allowed', allowed: 'admin' }],
      }));
      return;
    }
    done(null, payload);
  });
});

declare module 'fastify' {
  interface FastifyInstance {
    tokenAuth: TokenAuthenticator;
  }
}

/** `Bearer <secret>` (scheme case-insensitive, RFC 7235) → secret, or null when malformed. */
function bearer(header: string): string | null {
  if (header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const s = header.slice(7).trim();
  return s.length > 0 ? s : null;
}
