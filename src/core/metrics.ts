import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from './bus/event-bus.js';

/** One registry per process (never the global default), so tests can build many apps side by side. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  batchSize: Histogram<'writer'>;
  batchDuration: Histogram<'writer' | 'outcome'>;
  scanHosts: Counter<'result'>;
  observeBatch(writer: string, size: number, seconds: number, ok: boolean): void;
}

export function createMetrics(deps: { bus: EventBus; writerDepth?: () => number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lnmt_' });
  const httpDuration = new Histogram({
    name: 'lnmt_http_request_duration_seconds',
    help: 'API request duration by route template',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'lnmt_store_write_batch_size',
    help: 'Items committed per store write transaction',
    labelNames: ['writer'] as const,
    buckets: [1, 5, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
    registers: [registry],
  });
  const batchDuration = new Histogram({
    name: 'lnmt_store_write_batch_duration_seconds',
    help: 'Store write transaction latency',
    labelNames: ['writer', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const scanHosts = new Counter({ name: 'lnmt_scan_hosts_total', help: 'Addresses scanned by result', labelNames: ['result'] as const, registers: [registry] });
  new Gauge({
    name: 'lnmt_bus_queue_depth',
    help: 'Events published and not yet acknowledged by every subscriber',
    registers: [registry],
    collect() {
      this.set(deps.bus.stats().queueDepth);
    },
  });
  new Counter({
    name: 'lnmt_bus_events_published_total',
    help: 'Events published on the bus',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(deps.bus.stats().published);
    },
  });
  if (deps.writerDepth) {
    const depth = deps.writerDepth;
    new Gauge({ name: 'lnmt_store_write_queue_depth', help: 'Writes waiting for a commit', registers: [registry], collect() { this.set(depth()); } });
  }
  return {
    registry,
    httpDuration,
    batchSize,
    batchDuration,
    scanHosts,
    observeBatch(writer, size, seconds, ok) {
      batchSize.observe({ writer }, size);
      batchDuration.observe({ writer, outcome: ok ? 'ok' : 'error' }, seconds);
    },
  };
}
