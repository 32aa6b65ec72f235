import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Histogram } from 'prom-client';
import type { AppContext } from '../../app/context.js';
import { globalPlugin } from './plugin.js';

export interface MetricsPluginOptions extends Record<string, unknown> {
  ctx: AppContext;
}

type Child = ReturnType<Histogram<'method' | 'route' | 'status_code'>['labels']>;

/**
 * Records `lnmt_http_request_duration_seconds{method, route, status_code}` for every response. `route` is the
 * route TEMPLATE (`/api/devices/:id`), never the raw URL, so label cardinality stays bounded; requests that
 * match no route share `route="unmatched"`.
 */
export const metricsPlugin = globalPlugin<MetricsPluginOptions>('lnmt-metrics', async (app, { ctx }) => {
  const hist = ctx.metrics.httpDuration;
  const children = new Map<string, Child>();
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    const route = req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched');
    const key = `${req.method} ${route} ${reply.statusCode}`;
    let child = children.get(key);
    if (child === undefined) {
      child = hist.labels(req.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
});
