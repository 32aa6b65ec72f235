import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app/context.js';

export interface MetricsRoutesOptions {
  ctx: AppContext;
}

/**
 * `GET /metrics`: the Prometheus text format of the process registry — request durations per route template,
 * bus queue depth, store write batch sizes and latency, process memory and the rest of the defaults.
 * Needs a token like /api (a viewer token is enough: Prometheus sends it with `authorization.credentials`).
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { ctx }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['service'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
      },
    },
    async (_req, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply.header('cache-control', 'no-store').type(ctx.metrics.registry.contentType).send(text);
    },
  );
};
