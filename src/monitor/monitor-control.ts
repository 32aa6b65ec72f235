/** Which checks a batch run covers; empty = every enabled check. */
export interface CheckFilter {
  ids?: string[];
  tags?: string[];
  type?: string;
  deviceId?: number;
}

export interface CheckBatchSummary {
  ran: number;
  up: number;
  down: number;
  durationMs: number;
}

export interface MaintenanceSummary {
  /** Raw results folded into minute aggregates, and aggregate rows written per level. */
  rolledUp: number;
  rollupRows: { m: number; h: number; d: number };
  /** Rows deleted by retention, per level. */
  deleted: { raw: number; m: number; h: number; d: number };
  durationMs: number;
}

/** What other parts (scheduler job types, API) may ask of the health monitor. */
export interface MonitorControl {
  /** Runs the matching checks now (whatever their schedule), records results, resolves when all finished. */
  runChecks(filter: CheckFilter, signal?: AbortSignal): Promise<CheckBatchSummary>;
  /** Rolls new raw results into minute/hour/day aggregates and applies retention. Idempotent. */
  maintain(signal?: AbortSignal): Promise<MaintenanceSummary>;
}
