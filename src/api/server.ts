import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { buildApp, type BuildAppOptions } from './app.js';

export interface RunningServer {
  app: FastifyInstance;
  /** Base URL, e.g. `http://127.0.0.1:8088` (the real port when `api.port` is 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the API and listens on `api.host`:`api.port`; registers the `api` component (shown by /api/health
 * and `lnmt status`). `close()` stops accepting, finishes in-flight requests and marks the component down;
 * it does not close the context (its owner does).
 */
export async function startServer(ctx: AppContext, opts: BuildAppOptions = { logger: true }): Promise<RunningServer> {
  ctx.components.set('api', { status: 'starting' });
  let app: FastifyInstance;
  try {
    app = await buildApp(ctx, opts);
    await app.listen({ host: ctx.config.api.host, port: ctx.config.api.port });
  } catch (err) {
    ctx.components.set('api', { status: 'down', detail: (err as Error).message });
    throw err;
  }
  const addr = app.server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  ctx.components.set('api', { status: 'up', detail: url });
  ctx.logger.info({ url }, 'API listening');
  let closed: Promise<void> | null = null;
  return {
    app,
    url,
    close() {
      closed ??= app.close().then(() => {
        ctx.components.set('api', { status: 'down', detail: 'stopped' });
      });
      return closed;
    },
  };
}
