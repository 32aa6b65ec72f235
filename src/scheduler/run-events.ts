import { makeEvent, type AnyEvent, type JobRef } from '../core/events.js';
import type { JobRow, JobRunRow } from '../store/tables/scheduler.js';

export function jobRef(job: Pick<JobRow, 'id' | 'name' | 'type'>): JobRef {
  return { id: job.id, name: job.name, type: job.type };
}

export function runStartedEvent(job: JobRow, run: JobRunRow, sensor: string, now: number): AnyEvent {
  return makeEvent(
    'job.run_started',
    { job: jobRef(job), run_id: run.id, trigger: run.trigger, attempt: run.attempt, scheduled_for: new Date(run.scheduled_for).toISOString() },
    { sensor, now },
  ) as AnyEvent;
}

/** For a run that ended (succeeded, failed, timed out) or was skipped. */
export function runFinishedEvent(job: JobRow, run: JobRunRow, sensor: string, now: number): AnyEvent {
  if (run.status === 'queued' || run.status === 'running') throw new Error(`run ${run.id} has not finished (${run.status})`);
  return makeEvent(
    'job.run_finished',
    {
      job: jobRef(job),
      run_id: run.id,
      trigger: run.trigger,
      attempt: run.attempt,
      status: run.status,
      duration_ms: run.duration_ms ?? 0,
      ...(run.summary ? { summary: JSON.parse(run.summary) as Record<string, unknown> } : {}),
      ...(run.error ? { error: run.error } : {}),
    },
    { sensor, now },
  ) as AnyEvent;
}
