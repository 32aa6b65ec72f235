import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { globalPlugin } from './plugin.js';

export interface RateLimitPluginOptions extends Record<string, unknown> {
  ctx: AppContext;
}

/**
 * `api.rateLimit.max` requests per `api.rateLimit.windowMs`, counted per API token (its id, resolved by the
 * auth plugin's `onRequest` hook, which runs first) or per client IP for requests without a valid token.
 * 429 with LNMT_ERR_RATE_LIMITED and `retry-after`. The in-memory store is per process: with several hubs
 * behind a balancer each hub counts on its own.
 */
export const rateLimitPlugin = globalPlugin<RateLimitPluginOptions>('lnmt-rate-limit', async (app, { ctx }) => {
  const { max, windowMs } = ctx.config.api.rateLimit;
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: windowMs,
    // Enough buckets for every token plus a busy set of client IPs; least recently used ones are evicted.
    cache: 10_000,
    // `req.ip` is undefined under `injectWS` (see STACK.md); `inject` reports 127.0.0.1.
    keyGenerator: (req: FastifyRequest) => (req.principal ? `t:${req.principal.id}` : `ip:${req.ip ?? 'inject'}`),
    errorResponseBuilder: (req, c) =>
      new LnmtError('LNMT_ERR_RATE_LIMITED', `rate limit exceeded: at most ${c.max} requests per ${windowMs} ms ${req.principal ? `for token "${req.principal.name}"` : 'per client address without a token'}; retry in ${c.after}`, {
        details: [{ where: req.principal ? 'headers.authorization' : 'client', message: 'too many requests', allowed: `${c.max} requests per ${windowMs} ms` }],
      }),
  });
});
