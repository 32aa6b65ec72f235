import type { Logger } from 'pino';
import type { SchedulerConfig } from '../core/config/sections/scheduler.js';
import { LnmtError, isLnmtError } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import type { JobRepo } from '../store/repositories/job-repo.js';
import type { JobRunRepo } from '../store/repositories/job-run-repo.js';
import type { CatchUpPolicy, JobRow, OverlapPolicy, RunStatus } from '../store/tables/scheduler.js';
import type { BuiltinJob } from './builtin-jobs.js';
import type { Clock } from './clock.js';
import { JobInputCheck } from './job-input.js';
import { CATCH_UP_POLICIES, JOB_LIMITS, OVERLAP_POLICIES, type FieldWhere } from './job-limits.js';
import { jobSchedule } from './job-schedule.js';
import type { JobTypeRegistry } from './job-type-registry.js';
import { jobView, runView, type JobJson, type RunJson } from './job-view.js';

/** A new job as the API body or the CLI flags give it; policies left out take `scheduler.defaults`. */
export interface JobInput {
  name: string;
  type: string;
  /** Exactly one of `cron` and `every` (`30s`, `5m`, `1h30m`). */
  cron?: string | undefined;
  every?: string | undefined;
  /** IANA zone for the cron expression; null or absent = `scheduler.timezone`. */
  timezone?: string | null | undefined;
  params?: unknown;
  enabled?: boolean | undefined;
  overlap?: OverlapPolicy | undefined;
  timeout_ms?: number | undefined;
  retries?: number | undefined;
  retry_delay_ms?: number | undefined;
  catch_up?: CatchUpPolicy | undefined;
}

/** Changes to a job. The type is fixed for life (delete and re-create to change it). `params` replaces all. */
export type JobChanges = Partial<Omit<JobInput, 'type'>>;

export interface RunHistoryQuery {
  limit: number;
  offset: number;
  status?: RunStatus | undefined;
}

export type JobChange = 'created' | 'updated' | 'deleted';

export interface JobServiceDeps {
  jobs: JobRepo;
  runs: JobRunRepo;
  types: JobTypeRegistry;
  clock: Clock;
  logger: Logger;
  defaultTimeZone: string;
  defaults: SchedulerConfig['defaults'];
  builtins: readonly BuiltinJob[];
  /** Told about every change made here, so the scheduler of this process reacts at once. */
  onChange(jobId: string, change: JobChange): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Job definitions: validation (cron with positions, time zones, intervals, parameters through the job type's
 * schema), built-in jobs, next-run computation on every change, run history. The API and the CLI both use it.
 */
export class JobService {
  private builtinsReady: Promise<void> | null = null;

  constructor(private readonly deps: JobServiceDeps) {}

  /** Creates the built-in jobs whose types are registered, once per store (idempotent, also across processes). */
  ensureBuiltins(): Promise<void> {
    this.builtinsReady ??= this.createBuiltins().catch((err: unknown) => {
      this.builtinsReady = null;
      throw err;
    });
    return this.builtinsReady;
  }

  async list(): Promise<JobJson[]> {
    await this.ensureBuiltins();
    const rows = await this.deps.jobs.list();
    const latest = await this.deps.runs.latest(rows.map((r) => r.id));
    return rows.map((r) => jobView(r, latest.get(r.id), this.deps.defaultTimeZone));
  }

  /** A job by id or name; LNMT_ERR_NOT_FOUND naming `where` otherwise. */
  async find(ref: string, where: string): Promise<JobRow> {
    await this.ensureBuiltins();
    const row = (UUID.test(ref) ? await this.deps.jobs.get(ref.toLowerCase()) : undefined) ?? (await this.deps.jobs.getByName(ref));
    if (!row) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no job with id or name "${ref}"`, { details: [{ where, value: ref, message: 'no such job', allowed: 'a job id or name (see `lnmt jobs list`)' }] });
    return row;
  }

  async show(ref: string, where: string): Promise<JobJson> {
    return this.view(await this.find(ref, where));
  }

  async view(row: JobRow): Promise<JobJson> {
    const latest = await this.deps.runs.latest([row.id]);
    return jobView(row, latest.get(row.id), this.deps.defaultTimeZone);
  }

  async create(input: JobInput, where: FieldWhere): Promise<JobJson> {
    await this.ensureBuiltins();
    const row = await this.buildRow(input, where, null);
    await this.insert(row, where);
    this.deps.onChange(row.id, 'created');
    return jobView(row, undefined, this.deps.defaultTimeZone);
  }

  async update(ref: string, changes: JobChanges, where: FieldWhere, refWhere: string): Promise<JobJson> {
    const row = await this.find(ref, refWhere);
    const check = new JobInputCheck(where);
    const next: JobRow = { ...row };
    if (changes.name !== undefined) next.name = check.name(changes.name) ?? row.name;
    if (changes.cron !== undefined && changes.every !== undefined) {
      check.add('every', { value: changes.every, message: 'give either cron or every, not both' });
    } else if (changes.cron !== undefined) {
      next.cron = check.cron(changes.cron) ?? row.cron;
      next.every_ms = null;
    } else if (changes.every !== undefined) {
      next.every_ms = check.every(changes.every) ?? row.every_ms;
      next.cron = null;
      next.timezone = null;
    }
    if (changes.timezone !== undefined) this.applyTimeZone(check, next, changes.timezone);
    if (changes.params !== undefined) next.params = JSON.stringify(await this.params(check, row.type, changes.params));
    if (changes.enabled !== undefined) next.enabled = changes.enabled ? 1 : 0;
    this.applyPolicies(check, next, changes);
    check.done('job');

    const now = this.deps.clock.now();
    const scheduleChanged = next.cron !== row.cron || next.every_ms !== row.every_ms || next.timezone !== row.timezone;
    if (next.enabled === 0) {
      Object.assign(next, { next_run_at: null, retry_at: null, retry_attempt: null, retry_scheduled_for: null });
    } else if (scheduleChanged || row.enabled === 0) {
      next.next_run_at = jobSchedule(next, this.deps.defaultTimeZone).next(null, now);
    }
    next.updated_at = now;
    if (next.name !== row.name) await this.assertNameFree(next.name, where);
    const { id: _id, builtin: _b, created_at: _c, ...patch } = next;
    const saved = await this.deps.jobs.update(row.id, patch).catch((err: unknown) => this.rethrowNameTaken(err, next.name, where));
    if (!saved) throw new LnmtError('LNMT_ERR_NOT_FOUND', `job "${ref}" was deleted meanwhile`, { details: [{ where: refWhere, value: ref, message: 'no such job' }] });
    this.deps.onChange(row.id, 'updated');
    return this.view(saved);
  }

  /** Deletes a job and its run history; built-in jobs can only be disabled. */
  async remove(ref: string, refWhere: string): Promise<JobJson> {
    const row = await this.find(ref, refWhere);
    if (row.builtin !== null) {
      throw new LnmtError('LNMT_ERR_CONFLICT', `"${row.name}" is a built-in job: it cannot be deleted, but it can be disabled`, {
        details: [{ where: refWhere, value: ref, message: 'built-in job', allowed: 'disable it instead (PATCH {"enabled": false}, or `lnmt jobs edit <job> --disable`)' }],
      });
    }
    const view = await this.view(row);
    await this.deps.jobs.delete(row.id);
    this.deps.onChange(row.id, 'deleted');
    return view;
  }

  async history(ref: string, q: RunHistoryQuery, refWhere: string): Promise<{ job: JobJson; items: RunJson[]; total: number; limit: number; offset: number }> {
    const row = await this.find(ref, refWhere);
    const { items, total } = await this.deps.runs.page(row.id, q);
    return { job: await this.view(row), items: items.map(runView), total, limit: q.limit, offset: q.offset };
  }

  private async buildRow(input: JobInput, where: FieldWhere, builtin: string | null): Promise<JobRow> {
    const { defaults, types, clock } = this.deps;
    const check = new JobInputCheck(where);
    const name = check.name(input.name);
    if (!types.has(input.type)) {
      check.add('type', { value: input.type, message: 'unknown job type', allowed: `one of: ${types.list().map((t) => t.name).join(', ')}` });
    }
    const now = clock.now();
    const row: JobRow = {
      id: uuidv7(now),
      name: name ?? input.name,
      type: input.type,
      params: '{}',
      cron: null,
      every_ms: null,
      timezone: null,
      enabled: input.enabled === false ? 0 : 1,
      builtin,
      overlap: defaults.overlap,
      timeout_ms: defaults.timeoutMs,
      retries: defaults.retries,
      retry_delay_ms: defaults.retryDelayMs,
      catch_up: defaults.catchUp,
      next_run_at: null,
      retry_at: null,
      retry_attempt: null,
      retry_scheduled_for: null,
      created_at: now,
      updated_at: now,
    };
    if (input.cron !== undefined && input.every !== undefined) check.add('every', { value: input.every, message: 'give either cron or every, not both' });
    else if (input.cron !== undefined) row.cron = check.cron(input.cron) ?? null;
    else if (input.every !== undefined) row.every_ms = check.every(input.every) ?? null;
    else check.add('cron', { message: 'a schedule is required', allowed: 'cron (e.g. "0 3 * * *") or every (e.g. "5m")' });
    if (input.timezone !== undefined && input.timezone !== null) this.applyTimeZone(check, row, input.timezone);
    if (types.has(input.type)) row.params = JSON.stringify(await this.params(check, input.type, input.params ?? {}));
    this.applyPolicies(check, row, input);
    check.done('job');
    if (row.enabled === 1) row.next_run_at = jobSchedule(row, this.deps.defaultTimeZone).next(null, now);
    return row;
  }

  private applyTimeZone(check: JobInputCheck, row: JobRow, tz: string | null): void {
    if (tz === null) {
      row.timezone = null;
      return;
    }
    if (row.cron === null) {
      check.add('timezone', { value: tz, message: 'only cron schedules have a time zone (this job runs at an interval)', allowed: 'no time zone, or a cron schedule' });
      return;
    }
    row.timezone = check.timeZone(tz) ?? row.timezone;
  }

  private applyPolicies(check: JobInputCheck, row: JobRow, p: JobChanges): void {
    if (p.overlap !== undefined) {
      if (OVERLAP_POLICIES.includes(p.overlap)) row.overlap = p.overlap;
      else check.add('overlap', { value: p.overlap, message: 'unknown overlap policy', allowed: `one of: ${OVERLAP_POLICIES.join(', ')}` });
    }
    if (p.catch_up !== undefined) {
      if (CATCH_UP_POLICIES.includes(p.catch_up)) row.catch_up = p.catch_up;
      else check.add('catch_up', { value: p.catch_up, message: 'unknown catch-up policy', allowed: `one of: ${CATCH_UP_POLICIES.join(', ')}` });
    }
    if (p.timeout_ms !== undefined) row.timeout_ms = check.range('timeout_ms', p.timeout_ms, JOB_LIMITS.timeoutMs) ?? row.timeout_ms;
    if (p.retries !== undefined) row.retries = check.range('retries', p.retries, JOB_LIMITS.retries) ?? row.retries;
    if (p.retry_delay_ms !== undefined) row.retry_delay_ms = check.range('retry_delay_ms', p.retry_delay_ms, JOB_LIMITS.retryDelayMs) ?? row.retry_delay_ms;
  }

  /** The type's parameters with defaults; problems join the other fields' in `check`. */
  private async params(check: JobInputCheck, type: string, raw: unknown): Promise<Record<string, unknown>> {
    if (!this.deps.types.has(type)) {
      check.add('params', { message: `job type "${type}" is not available in this process, so its parameters cannot be checked here`, allowed: 'change them where that job type is installed' });
      return {};
    }
    try {
      return await this.deps.types.parseParams(type, raw, (path) => check.where('params', path));
    } catch (err) {
      if (!isLnmtError(err) || (err.code !== 'LNMT_ERR_VALIDATION' && err.code !== 'LNMT_ERR_TARGET' && err.code !== 'LNMT_ERR_TARGET_TOO_LARGE')) throw err;
      check.details.push(...(err.details.length > 0 ? err.details : [{ where: check.where('params'), message: err.message }]));
      return {};
    }
  }

  private async insert(row: JobRow, where: FieldWhere): Promise<void> {
    await this.assertNameFree(row.name, where);
    await this.deps.jobs.insert(row).catch((err: unknown) => this.rethrowNameTaken(err, row.name, where));
  }

  private async assertNameFree(name: string, where: FieldWhere): Promise<void> {
    if (await this.deps.jobs.getByName(name)) throw nameTaken(name, where);
  }

  /** Another process took the name between our check and our write. */
  private async rethrowNameTaken(err: unknown, name: string, where: FieldWhere): Promise<never> {
    if (await this.deps.jobs.getByName(name).catch(() => undefined)) throw nameTaken(name, where);
    throw err;
  }

  private async createBuiltins(): Promise<void> {
    const { jobs, types, logger } = this.deps;
    for (const b of this.deps.builtins) {
      if (!types.has(b.type) || (await jobs.getBuiltin(b.key))) continue;
      const input: JobInput = { name: b.name, type: b.type, overlap: b.overlap, timeout_ms: b.timeoutMs, catch_up: b.catchUp, retries: 0 };
      if (b.cron !== undefined) input.cron = b.cron;
      else input.every = `${b.everyMs! / 1000}s`;
      const row = await this.buildRow(input, (f) => `builtin ${b.key}.${f}`, b.key);
      if (await jobs.insertIfAbsent(row)) {
        logger.info({ job: row.name }, 'created built-in job');
        this.deps.onChange(row.id, 'created');
      } else if (!(await jobs.getBuiltin(b.key))) {
        logger.warn({ job: b.name }, `built-in job "${b.name}" not created: a job of that name exists; rename it and restart`);
      }
    }
  }
}

function nameTaken(name: string, where: FieldWhere): LnmtError {
  return new LnmtError('LNMT_ERR_CONFLICT', `a job named "${name}" already exists`, { details: [{ where: where('name'), value: name, message: 'name in use', allowed: 'a name no other job has' }] });
}
