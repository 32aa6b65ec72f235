import Type from 'typebox';
import type { MonitorControl } from '../../monitor/monitor-control.js';
import type { JobRunRepo } from '../../store/repositories/job-run-repo.js';
import type { JobType } from '../job-type.js';

const Params = Type.Object({}, { additionalProperties: false });

const DAY_MS = 86_400_000;

export interface MaintenanceJobDeps {
  /** Null when no health monitor runs in this process: only the run history is pruned then. */
  monitor: MonitorControl | null;
  runs: JobRunRepo;
  /** `scheduler.historyDays`. */
  historyDays: number;
  now: () => number;
}

/** Rolls check results into aggregates and applies retention (`MonitorControl.maintain`), and prunes run history. */
export function maintenanceJobType(deps: MaintenanceJobDeps): JobType<typeof Params> {
  return {
    name: 'maintenance',
    description: 'roll check results up into minute/hour/day aggregates, apply retention, prune old job runs',
    params: Params,
    async run(_params, { signal }) {
      const rollups = deps.monitor ? await deps.monitor.maintain(signal) : null;
      signal.throwIfAborted();
      const runHistoryDeleted = await deps.runs.prune(deps.now() - deps.historyDays * DAY_MS);
      return { rollups, runHistoryDeleted };
    },
  } satisfies JobType<typeof Params>;
}
