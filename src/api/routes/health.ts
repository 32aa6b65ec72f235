import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { isoTime } from '../../views/device-view.js';
import { HealthSchema } from '../schemas/health.js';

export interface HealthRoutesOptions {
  ctx: AppContext;
  version: string;
}

/** A store ping slower than this counts as down: health must answer fast even when the store hangs. */
const PING_TIMEOUT_MS = 1000;

/**
 * `GET /api/health` (public): the service's own health in a few milliseconds — a `SELECT 1` store ping, bus
 * counters and component states held in memory; no table is read. 503 when the store does not answer.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { ctx, version }) => {
  // process.memoryUsage() reads /proc and walks the heap: sampled at most once a second, not per probe.
  let mem = { rss: 0, heapUsed: 0 };
  let memAt = 0;
  app.get(
    '/api/health',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['service'],
        summary: 'Service health (no token needed)',
        security: [],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_req, reply) => {
      let pingMs: number | null = null;
      let storeError: string | undefined;
      try {
        pingMs = await withTimeout(ctx.store.ping(), PING_TIMEOUT_MS);
      } catch (err) {
        storeError = (err as Error).message;
      }
      const components: Record<string, { status: 'up' | 'down' | 'starting'; detail?: string }> = {};
      for (const [name, c] of ctx.components) components[name] = { ...c };
      if (storeError !== undefined) components.store = { status: 'down', detail: storeError };
      const storeUp = storeError === undefined;
      const degraded = Object.values(components).some((c) => c.status !== 'up');
      const bus = ctx.bus.stats();
      const now = Date.now();
      if (now - memAt >= 1000) {
        const m = process.memoryUsage();
        mem = { rss: m.rss, heapUsed: m.heapUsed };
        memAt = now;
      }
      void reply.code(storeUp ? 200 : 503).header('cache-control', 'no-store');
      return {
        status: !storeUp ? ('down' as const) : degraded ? ('degraded' as const) : ('ok' as const),
        version,
        node: ctx.config.node.name,
        time: isoTime(now),
        started_at: isoTime(ctx.startedAt),
        uptime_s: Math.round((now - ctx.startedAt) / 100) / 10,
        store: { status: storeUp ? ('up' as const) : ('down' as const), dialect: ctx.store.dialect, ping_ms: pingMs === null ? null : Math.round(pingMs * 1000) / 1000, ...(storeError !== undefined ? { error: storeError } : {}) },
        bus: { kind: ctx.bus.kind, queue_depth: bus.queueDepth, published: bus.published, delivered: bus.delivered, redelivered: bus.redelivered, dropped: bus.dropped },
        components,
        devices: ctx.tracker.size,
        scans_active: ctx.scans.activeCount,
        memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed },
      };
    },
  );
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
