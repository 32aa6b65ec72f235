import type { Selectable } from 'kysely';

type Millis = number;

export const RUN_TRIGGERS = ['schedule', 'manual', 'retry', 'catch_up'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** `queued`: waiting behind a running run of its job (overlap policy `queue`); the others as named. */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type OverlapPolicy = 'skip' | 'queue';
export type CatchUpPolicy = 'once' | 'skip';

/** A job definition and its schedule state. */
export interface JobsTable {
  /** UUIDv7. */
  id: string;
  /** Unique, so the CLI can address a job by name. */
  name: string;
  /** A key of the job-type registry (`scan`, `checks`, `maintenance`, `store-optimize`, ...). */
  type: string;
  /** JSON of the type's parameters, defaults applied. */
  params: string;
  /** Exactly one of `cron` (5 or 6 fields, or a nickname) and `every_ms` is set. */
  cron: string | null;
  every_ms: number | null;
  /** IANA zone of the cron expression; null = `scheduler.timezone` (or the system's). */
  timezone: string | null;
  enabled: number;
  /** Key of the built-in definition this job was created from (cannot be deleted); null for user jobs. */
  builtin: string | null;
  overlap: OverlapPolicy;
  timeout_ms: number;
  /** Retries after a failed or timed-out attempt, `retry_delay_ms` doubling each time. */
  retries: number;
  retry_delay_ms: number;
  catch_up: CatchUpPolicy;
  /**
   * The next scheduled run. Claiming it is one conditional UPDATE (`WHERE next_run_at = <value read>`), so of
   * several schedulers on one database exactly one wins.
   */
  next_run_at: Millis | null;
  /** A pending retry: when, which attempt, and of which run (its scheduled time). Claimed like `next_run_at`. */
  retry_at: Millis | null;
  retry_attempt: number | null;
  retry_scheduled_for: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** One run of a job, from queued or started to its end. */
export interface JobRunsTable {
  /** UUIDv7. */
  id: string;
  job_id: string;
  /** The schedule time this run is for (the request time for manual runs). */
  scheduled_for: Millis;
  trigger: RunTrigger;
  /** 1 for the first try, then 2, 3, ... for retries. */
  attempt: number;
  status: RunStatus;
  created_at: Millis;
  started_at: Millis | null;
  ended_at: Millis | null;
  duration_ms: number | null;
  /** JSON object the job type returned. */
  summary: string | null;
  error: string | null;
  /** `host:pid` of the process running it. */
  runner: string | null;
  /** The runner renews this while the run is alive; past it, any scheduler may mark the run failed. */
  lease_until: Millis | null;
}

export interface SchedulerTables {
  jobs: JobsTable;
  job_runs: JobRunsTable;
}

export type JobRow = Selectable<JobsTable>;
export type JobRunRow = Selectable<JobRunsTable>;
