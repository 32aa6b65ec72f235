import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import type { JobRef } from '../core/events.js';
import type { RunTrigger } from '../store/tables/scheduler.js';

/** What a job type's run gets besides its parameters. */
export interface JobRunContext {
  /** Aborted at the job's timeout, when the scheduler stops, or when the job is deleted: stop promptly. */
  signal: AbortSignal;
  logger: Logger;
  job: JobRef;
  runId: string;
  trigger: RunTrigger;
  attempt: number;
  /** The schedule time this run is for (epoch ms). */
  scheduledFor: number;
}

/** What a run reports: a small JSON object, stored with the run and carried by `job.run_finished`. */
export type JobSummary = Record<string, unknown>;

/**
 * One kind of job (`scan`, `checks`, `maintenance`, ...): one module each, registered in a `JobTypeRegistry`.
 * Later features add theirs the same way (`registry.register(reportJobType(deps))`).
 */
export interface JobType<S extends TSchema = TSchema> {
  /** Registry key, kebab-case. */
  readonly name: string;
  /** One line for `lnmt jobs add --help` and the API docs. */
  readonly description: string;
  /** Parameters as a TypeBox schema; defaults in it are applied before storing. */
  readonly params: S;
  /**
   * Checks the schema cannot express (e.g. that scan targets parse). Throws an LnmtError whose details name
   * the parameter through `where('targets')`.
   */
  validate?(params: Static<S>, where: (path: string) => string): Promise<void>;
  /** Does the work; resolves with a summary, throws to fail the run. */
  run(params: Static<S>, ctx: JobRunContext): Promise<JobSummary>;
}
