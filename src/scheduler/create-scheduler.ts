import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import type { SchedulerConfig } from '../core/config/sections/scheduler.js';
import type { ScanService } from '../inventory/scan-service.js';
import type { MonitorControl } from '../monitor/monitor-control.js';
import { JobRepo } from '../store/repositories/job-repo.js';
import { JobRunRepo } from '../store/repositories/job-run-repo.js';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { JobTypeRegistry } from './job-type-registry.js';
import { checksJobType } from './job-types/checks-job.js';
import { maintenanceJobType } from './job-types/maintenance-job.js';
import { scanJobType } from './job-types/scan-job.js';
import { storeOptimizeJobType } from './job-types/store-optimize-job.js';
import { Scheduler } from './scheduler.js';
import { canonicalTimeZone, systemTimeZone } from './time-zone.js';

export interface SchedulerFactoryDeps {
  store: Store;
  bus: EventBus;
  sensor: string;
  config: SchedulerConfig;
  logger: Logger;
  scans: ScanService;
  /** The health monitor, when one runs in this process: enables the `checks` type and rollups in `maintenance`. */
  monitor: MonitorControl | null;
  clock?: Clock;
}

/** The job types every process has. Later features register theirs on `scheduler.types`. */
export function defaultJobTypes(deps: Omit<SchedulerFactoryDeps, 'bus' | 'sensor' | 'logger'> & { runs: JobRunRepo }): JobTypeRegistry {
  const clock = deps.clock ?? systemClock;
  const types = new JobTypeRegistry()
    .register(scanJobType({ scans: deps.scans }))
    .register(maintenanceJobType({ monitor: deps.monitor, runs: deps.runs, historyDays: deps.config.historyDays, now: () => clock.now() }))
    .register(storeOptimizeJobType({ store: deps.store }));
  if (deps.monitor) types.register(checksJobType({ monitor: deps.monitor }));
  return types;
}

/** The scheduler of a process, on its store, with the default job types. */
export function createScheduler(deps: SchedulerFactoryDeps): Scheduler {
  const jobs = new JobRepo(deps.store.db);
  const runs = new JobRunRepo(deps.store.db);
  return new Scheduler({
    jobs,
    runs,
    types: defaultJobTypes({ ...deps, runs }),
    bus: deps.bus,
    sensor: deps.sensor,
    config: deps.config,
    defaultTimeZone: canonicalTimeZone(deps.config.timezone) ?? systemTimeZone(),
    clock: deps.clock ?? systemClock,
    logger: deps.logger.child({ component: 'scheduler' }),
  });
}
