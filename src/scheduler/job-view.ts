import type { CatchUpPolicy, JobRow, JobRunRow, OverlapPolicy, RunStatus, RunTrigger } from '../store/tables/scheduler.js';
import { formatDuration } from './duration.js';

/** A run as the API and `--json` show it. */
export interface RunJson {
  id: string;
  job_id: string;
  scheduled_for: string;
  trigger: RunTrigger;
  attempt: number;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  summary: Record<string, unknown> | null;
  error: string | null;
  runner: string | null;
}

/** A job as the API and `--json` show it: its definition, when it runs next, and its latest run. */
export interface JobJson {
  id: string;
  name: string;
  type: string;
  builtin: boolean;
  enabled: boolean;
  cron: string | null;
  every: string | null;
  every_ms: number | null;
  /** As set on the job; null = the scheduler's default. */
  timezone: string | null;
  /** The zone the cron expression is evaluated in (null for intervals). */
  effective_timezone: string | null;
  params: Record<string, unknown>;
  overlap: OverlapPolicy;
  timeout_ms: number;
  retries: number;
  retry_delay_ms: number;
  catch_up: CatchUpPolicy;
  next_run_at: string | null;
  retry_at: string | null;
  last_run: RunJson | null;
  created_at: string;
  updated_at: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function runView(r: JobRunRow): RunJson {
  return {
    id: r.id,
    job_id: r.job_id,
    scheduled_for: new Date(r.scheduled_for).toISOString(),
    trigger: r.trigger,
    attempt: r.attempt,
    status: r.status,
    created_at: new Date(r.created_at).toISOString(),
    started_at: iso(r.started_at),
    ended_at: iso(r.ended_at),
    duration_ms: r.duration_ms,
    summary: r.summary ? (JSON.parse(r.summary) as Record<string, unknown>) : null,
    error: r.error,
    runner: r.runner,
  };
}

export function jobView(j: JobRow, lastRun: JobRunRow | undefined, defaultTimeZone: string): JobJson {
  return {
    id: j.id,
    name: j.name,
    type: j.type,
    builtin: j.builtin !== null,
    enabled: j.enabled === 1,
    cron: j.cron,
    every: j.every_ms === null ? null : formatDuration(j.every_ms),
    every_ms: j.every_ms,
    timezone: j.timezone,
    effective_timezone: j.cron === null ? null : (j.timezone ?? defaultTimeZone),
    params: JSON.parse(j.params) as Record<string, unknown>,
    overlap: j.overlap,
    timeout_ms: j.timeout_ms,
    retries: j.retries,
    retry_delay_ms: j.retry_delay_ms,
    catch_up: j.catch_up,
    next_run_at: iso(j.next_run_at),
    retry_at: iso(j.retry_at),
    last_run: lastRun ? runView(lastRun) : null,
    created_at: new Date(j.created_at).toISOString(),
    updated_at: new Date(j.updated_at).toISOString(),
  };
}

/** `cron 0 3 * * * (Europe/Berlin)` or `every 5m`, for tables. */
export function scheduleText(j: Pick<JobJson, 'cron' | 'every' | 'effective_timezone'>): string {
  return j.cron !== null ? `cron ${j.cron}${j.effective_timezone ? ` (${j.effective_timezone})` : ''}` : `every ${j.every}`;
}
