import Type, { type Static } from 'typebox';

/** `scheduler.*`: cron and interval jobs (scans, check batches, reports, retention). */
export const SchedulerConfigSchema = Type.Object(
  {
    /** Run due jobs in this process (`serve`, `hub`). */
    enabled: Type.Boolean(),
    /** IANA time zone for cron expressions that do not name one; empty = the system's. */
    timezone: Type.String(),
  },
  { additionalProperties: false },
);

export type SchedulerConfig = Static<typeof SchedulerConfigSchema>;

export function schedulerDefaults(): SchedulerConfig {
  return { enabled: true, timezone: '' };
}
