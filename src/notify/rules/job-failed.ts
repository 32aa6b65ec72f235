import type { AlertRule } from './rule.js';

/** A scheduled job's run failed or timed out (after its own retries, each attempt is one run). */
export const jobFailedRule: AlertRule = {
  id: 'job-failed',
  description: 'a scheduled job run failed or timed out',
  events: ['job.run_finished'],
  map(event) {
    if (event.type !== 'job.run_finished') return [];
    const { job, status, error, attempt, trigger, duration_ms, run_id } = event.data;
    if (status !== 'failed' && status !== 'timed_out') return [];
    const what = status === 'timed_out' ? 'timed out' : 'failed';
    return [
      {
        key: `job:${job.id}:failed`,
        severity: 'warning',
        title: `Job ${job.name} ${what}`,
        text: `${job.type} job ${job.name} ${what} after ${Math.round(duration_ms)} ms (attempt ${attempt}, ${trigger})${error ? `: ${error}` : '.'}`,
        fields: { job: `${job.type} ${job.name}`, run: run_id, attempt: String(attempt) },
      },
    ];
  },
};
