import { Counter, Gauge, type Registry } from 'prom-client';
import type { MonitorService } from './monitor-service.js';

/** Prometheus view of the monitor loop, read from its counters at scrape time (nothing on the hot path). */
export function registerMonitorMetrics(registry: Registry, service: MonitorService): void {
  const stats = service.stats;
  new Counter({
    name: 'lnmt_check_runs_total',
    help: 'Health check runs by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ outcome: 'ok' }, stats.runs - stats.failures);
      this.inc({ outcome: 'failed' }, stats.failures);
    },
  });
  new Counter({
    name: 'lnmt_check_slots_skipped_total',
    help: 'Scheduled runs skipped because the previous run was still going or the process was stalled',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats.missed + stats.overlapped);
    },
  });
  new Gauge({
    name: 'lnmt_check_schedule_drift_seconds',
    help: 'Start time minus due time of check runs (recent sample quantiles)',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      for (const q of [0.5, 0.99]) {
        const v = stats.driftQuantile(q);
        if (v !== null) this.set({ quantile: String(q) }, v / 1000);
      }
    },
  });
  new Gauge({ name: 'lnmt_checks_scheduled', help: 'Checks known to the monitor loop', registers: [registry], collect() { this.set(service.size); } });
  new Gauge({ name: 'lnmt_check_runs_active', help: 'Check runs in flight', registers: [registry], collect() { this.set(service.activeRuns); } });
}
