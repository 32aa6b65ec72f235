import type { JobRow } from '../store/tables/scheduler.js';
import { parseCron } from './cron/parse-cron.js';
import { cronSchedule, everySchedule, type JobSchedule } from './schedule.js';

/** The schedule of a stored job (its cron in its zone, or the default zone; or its interval). */
export function jobSchedule(job: Pick<JobRow, 'cron' | 'every_ms' | 'timezone'>, defaultTimeZone: string): JobSchedule {
  if (job.cron !== null) return cronSchedule(parseCron(job.cron), job.timezone ?? defaultTimeZone);
  if (job.every_ms !== null) return everySchedule(job.every_ms);
  throw new Error('a job has neither a cron expression nor an interval');
}

/** Compiled schedules by job, rebuilt when the job's schedule fields change. */
export class ScheduleCache {
  private readonly byJob = new Map<string, { key: string; schedule: JobSchedule }>();

  constructor(private readonly defaultTimeZone: string) {}

  get(job: Pick<JobRow, 'id' | 'cron' | 'every_ms' | 'timezone'>): JobSchedule {
    const key = `${job.cron}|${job.every_ms}|${job.timezone}`;
    const hit = this.byJob.get(job.id);
    if (hit?.key === key) return hit.schedule;
    const schedule = jobSchedule(job, this.defaultTimeZone);
    this.byJob.set(job.id, { key, schedule });
    return schedule;
  }

  forget(jobId: string): void {
    this.byJob.delete(jobId);
  }
}
