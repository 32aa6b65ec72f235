import Type, { type Static } from 'typebox';
import { RUN_STATUSES, RUN_TRIGGERS } from '../../store/tables/scheduler.js';
import { CATCH_UP_POLICIES, JOB_LIMITS, OVERLAP_POLICIES } from '../../scheduler/job-limits.js';
import { Nullable, Timestamp } from './common.js';

export const DEFAULT_RUN_LIMIT = 50;

const Params = Type.Record(Type.String(), Type.Unknown(), { description: "The job type's parameters (see the type's schema); defaults are filled in" });

const fields = {
  cron: Type.String({ minLength: 1, maxLength: JOB_LIMITS.cronLength, description: 'Cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or @hourly/@daily/@weekly/@monthly/@yearly' }),
  every: Type.String({ minLength: 2, maxLength: 32, description: 'Fixed interval instead of cron: 30s, 5m, 1h30m, 1d (at least 1s)' }),
  timezone: Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of the cron expression (Europe/Berlin); null = scheduler.timezone' })),
  enabled: Type.Boolean(),
  overlap: Type.Enum([...OVERLAP_POLICIES], { description: 'When a run is due while the previous one still runs: skip it, or queue it (one waiting run at most)' }),
  timeout_ms: Type.Integer({ minimum: JOB_LIMITS.timeoutMs.min, maximum: JOB_LIMITS.timeoutMs.max, description: 'The run is aborted and ends timed_out after this long' }),
  retries: Type.Integer({ minimum: JOB_LIMITS.retries.min, maximum: JOB_LIMITS.retries.max, description: 'Retries after a failed or timed-out run' }),
  retry_delay_ms: Type.Integer({ minimum: JOB_LIMITS.retryDelayMs.min, maximum: JOB_LIMITS.retryDelayMs.max, description: 'Delay before the first retry; doubles for each further one (capped at scheduler.maxRetryDelayMs)' }),
  catch_up: Type.Enum([...CATCH_UP_POLICIES], { description: 'Runs missed while no scheduler ran: run one at start (once), or skip them' }),
};

/** The fields a job is created with and edited by (each optional; `name` and `type` are set on create). */
const EDITABLE = {
  cron: Type.Optional(fields.cron),
  every: Type.Optional(fields.every),
  timezone: Type.Optional(fields.timezone),
  params: Type.Optional(Params),
  enabled: Type.Optional(fields.enabled),
  overlap: Type.Optional(fields.overlap),
  timeout_ms: Type.Optional(fields.timeout_ms),
  retries: Type.Optional(fields.retries),
  retry_delay_ms: Type.Optional(fields.retry_delay_ms),
  catch_up: Type.Optional(fields.catch_up),
};

const Name = Type.String({ pattern: JOB_LIMITS.name.pattern, description: JOB_LIMITS.name.allowed });

export const JobCreateBody = Type.Object(
  {
    name: Name,
    type: Type.String({ minLength: 1, maxLength: 64, description: 'A registered job type: scan, checks, maintenance, store-optimize, ...' }),
    ...EDITABLE,
  },
  { additionalProperties: false },
);
export type JobCreateBodyT = Static<typeof JobCreateBody>;

export const JobPatchBody = Type.Object({ name: Type.Optional(Name), ...EDITABLE }, { additionalProperties: false, minProperties: 1 });

export const RunSchema = Type.Object(
  {
    id: Type.String(),
    job_id: Type.String(),
    scheduled_for: Timestamp,
    trigger: Type.Enum([...RUN_TRIGGERS]),
    attempt: Type.Integer({ description: '1, then 2, 3, ... for retries' }),
    status: Type.Enum([...RUN_STATUSES], { description: 'queued (waiting behind a running run), running, succeeded, failed, timed_out, skipped' }),
    created_at: Timestamp,
    started_at: Nullable(Timestamp),
    ended_at: Nullable(Timestamp),
    duration_ms: Nullable(Type.Integer()),
    summary: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'What the job reported (or why it was skipped)' })),
    error: Nullable(Type.String()),
    runner: Nullable(Type.String({ description: 'host:pid of the process that ran it' })),
  },
  { additionalProperties: false },
);

export const JobSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    builtin: Type.Boolean({ description: 'Built-in jobs can be edited and disabled, not deleted' }),
    enabled: Type.Boolean(),
    cron: Nullable(Type.String()),
    every: Nullable(Type.String()),
    every_ms: Nullable(Type.Integer()),
    timezone: Nullable(Type.String({ description: 'As set on the job; null = scheduler.timezone' })),
    effective_timezone: Nullable(Type.String({ description: 'The zone the cron expression is evaluated in' })),
    params: Type.Record(Type.String(), Type.Unknown()),
    overlap: Type.Enum([...OVERLAP_POLICIES]),
    timeout_ms: Type.Integer(),
    retries: Type.Integer(),
    retry_delay_ms: Type.Integer(),
    catch_up: Type.Enum([...CATCH_UP_POLICIES]),
    next_run_at: Nullable(Timestamp),
    retry_at: Nullable(Timestamp),
    last_run: Type.Union([RunSchema, Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

export const JobListSchema = Type.Object({ items: Type.Array(JobSchema) }, { additionalProperties: false });

export const JobRefParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, description: 'Job id or name' }) },
  { additionalProperties: false },
);

export const RunListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: DEFAULT_RUN_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
    status: Type.Optional(Type.Enum([...RUN_STATUSES])),
  },
  { additionalProperties: false },
);

export const RunListSchema = Type.Object(
  { items: Type.Array(RunSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() },
  { additionalProperties: false },
);
