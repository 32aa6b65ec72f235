import { readFileSync } from 'node:fs';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { auditLogPlugin } from './plugins/audit-log.js';
import { authPlugin } from './plugins/auth.js';
import { compressPlugin } from './plugins/compress.js';
import { errorsPlugin } from './plugins/errors.js';
import { metricsPlugin } from './plugins/metrics.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { swaggerPlugin } from './plugins/swagger.js';
import { ResponseCache } from './response-cache.js';
import { checkRoutes } from './routes/checks.js';
import { decisionRoutes } from './routes/decisions.js';
import { deviceRoutes } from './routes/devices.js';
import { healthRoutes } from './routes/health.js';
import { honeypotRoutes } from './routes/honeypot.js';
import { metricsRoutes } from './routes/metrics.js';
import { notificationRoutes } from './routes/notifications.js';
import { scanRoutes } from './routes/scans.js';
import { schedulerRoutes } from './routes/scheduler.js';
import { threatRoutes } from './routes/threats.js';
import { validatorCompiler } from './validation.js';

export interface BuildAppOptions {
  /** Log through `ctx.logger` (errors, writes). Off by default (tests). */
  logger?: boolean;
  /**
   * Cache serialised device-list pages until the device data changes (default on). The benchmark turns it
   * off to measure the uncached path too.
   */
  responseCache?: boolean;
  /** How long token lookups are cached (default 5 s): a revoked token keeps working at most this long. */
  tokenTtlMs?: number;
}

/**
 * The device data version the list cache and the per-filter totals watch: the tracker's generation (every
 * write made in this process, exact) and an external part — SQLite's `data_version` (commits by other
 * processes, e.g. `lnmt devices add` run against the same file), read at most every 100 ms; on PostgreSQL,
 * which other hubs may write with no signal we can see, the current second, so nothing is staler than 1 s.
 */
function deviceDataVersion(ctx: AppContext): () => string {
  const external = ctx.store.dataVersion?.bind(ctx.store) ?? (() => Math.floor(Date.now() / 1000));
  let dv = external();
  let checked = Date.now();
  return () => {
    const now = Date.now();
    if (now - checked >= 100) {
      dv = external();
      checked = now;
    }
    return `${ctx.tracker.generation}:${dv}`;
  };
}

/** Same path from src/api and dist/api. */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Builds the HTTP API on an application context without listening (tests call `app.inject()`; `startServer`
 * listens). Registration order, as Fastify documents it: error handling and the validator first, then the
 * ecosystem plugins (compression, OpenAPI — which must see every route), then ours (auth before rate limiting,
 * which is keyed on the token auth resolves; metrics; audit log), then the routes.
 */
export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: ctx.logger.child({ component: 'api' }) } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: ctx.config.api.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  await ctx.tracker.init();
  const dataVersion = deviceDataVersion(ctx);
  const cache =
    opts.responseCache === false
      ? null
      : new ResponseCache({
          version: dataVersion,
          compressThreshold: ctx.config.api.compressThreshold,
        });

  await app.register(errorsPlugin);
  await app.register(compressPlugin, { ctx });
  await app.register(swaggerPlugin, { version: VERSION });
  await app.register(authPlugin, { ctx, ...(opts.tokenTtlMs !== undefined ? { tokens: { ttlMs: opts.tokenTtlMs } } : {}) });
  await app.register(rateLimitPlugin, { ctx });
  await app.register(metricsPlugin, { ctx });
  await app.register(auditLogPlugin);

  await app.register(healthRoutes, { ctx, version: VERSION });
  await app.register(deviceRoutes, { ctx, cache, dataVersion });
  await app.register(scanRoutes, { ctx });
  await app.register(checkRoutes, { ctx });
  await app.register(honeypotRoutes, { ctx });
  await app.register(schedulerRoutes, { ctx });
  await app.register(notificationRoutes, { ctx });
  await app.register(threatRoutes, { ctx });
  await app.register(decisionRoutes, { ctx });
  await app.register(metricsRoutes, { ctx });
  await app.ready();
  return app as unknown as FastifyInstance;
}
