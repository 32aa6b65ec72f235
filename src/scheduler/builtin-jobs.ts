import type { CatchUpPolicy, OverlapPolicy } from '../store/tables/scheduler.js';

/** A job every installation has: created on first start, can be disabled or edited, not deleted. */
export interface BuiltinJob {
  /** Stored in `jobs.builtin`; how the job is recognised even after a rename. */
  key: string;
  name: string;
  type: string;
  cron?: string;
  everyMs?: number;
  timeoutMs: number;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
}

export const BUILTIN_JOBS: readonly BuiltinJob[] = [
  // Rollups and retention are idempotent and cheap when there is little to do: every minute, and a missed
  // minute needs no catch-up (the next run folds in everything since the watermark).
  { key: 'maintenance', name: 'maintenance', type: 'maintenance', everyMs: 60_000, timeoutMs: 10 * 60_000, overlap: 'skip', catchUp: 'skip' },
  // Once a day at a quiet hour (scheduler.timezone); if the process was down then, once at the next start.
  { key: 'store-optimize', name: 'store-optimize', type: 'store-optimize', cron: '30 4 * * *', timeoutMs: 60 * 60_000, overlap: 'skip', catchUp: 'once' },
];
