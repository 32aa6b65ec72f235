import type { FastifyReply, FastifyRequest } from 'fastify';
import { globalPlugin } from './plugin.js';

/**
 * Per-request logging is off (it would cost more than the request on the hot read path); instead every
 * write — POST, PATCH, DELETE — is logged once with who made it, and reads only when they fail on our side.
 */
export const auditLogPlugin = globalPlugin('lnmt-audit-log', async (app) => {
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    const write = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    if (write || reply.statusCode >= 500) {
      req.log.info(
        { method: req.method, url: req.url, route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, token_name: req.principal?.name ?? null, ip: req.ip },
        write ? 'api write' : 'api request failed',
      );
    }
    done();
  });
});
