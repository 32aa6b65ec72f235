import Type, { type Static } from 'typebox';
import { Format } from 'typebox/format';

/** An IANA time zone name this Node.js build knows (`Europe/Berlin`, `UTC`), or '' for the system's zone. */
export function isTimeZoneOrEmpty(value: string): boolean {
  if (value === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

// Registered with the schema so that a bad `scheduler.timezone` fails at start-up like every other key.
Format.Set('lnmt-time-zone', isTimeZoneOrEmpty);

const Millis = (min: number, max: number) => Type.Integer({ minimum: min, maximum: max });

/** `scheduler.*`: cron and interval jobs (scans, check batches, reports, retention). */
export const SchedulerConfigSchema = Type.Object(
  {
    /** Run due jobs in this process (`serve`, `hub`). Manual runs (`lnmt jobs run`, the API) work either way. */
    enabled: Type.Boolean(),
    /** IANA time zone for cron expressions that do not name one (`Europe/Berlin`); empty = the system's. */
    timezone: Type.String({ format: 'lnmt-time-zone', description: 'an IANA time zone name (Europe/Berlin, UTC), or empty for the system zone' }),
    /**
     * How often the scheduler looks at the store even when nothing is due: jobs added or changed by other
     * processes, runs queued behind others, and leases that expired.
     */
    pollIntervalMs: Millis(100, 60_000),
    /**
     * A running run holds a lease for this long and renews it every third of it. A run whose lease expired
     * (its process died or hangs, on any host) is marked failed by whichever scheduler sees it.
     */
    leaseMs: Millis(3_000, 3_600_000),
    /** A run claimed later than this after its time counts as missed: the job's catch-up policy decides. */
    lateGraceMs: Millis(1_000, 86_400_000),
    /** Days of run history kept (pruned by the built-in `maintenance` job). */
    historyDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /** Upper bound of the exponential retry backoff. */
    maxRetryDelayMs: Millis(1_000, 86_400_000),
    /** Policies of new jobs that do not set their own. */
    defaults: Type.Object(
      {
        timeoutMs: Millis(1_000, 604_800_000),
        retries: Type.Integer({ minimum: 0, maximum: 100 }),
        retryDelayMs: Millis(100, 86_400_000),
        overlap: Type.Union([Type.Literal('skip'), Type.Literal('queue')]),
        catchUp: Type.Union([Type.Literal('once'), Type.Literal('skip')]),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type SchedulerConfig = Static<typeof SchedulerConfigSchema>;

export function schedulerDefaults(): SchedulerConfig {
  return {
    enabled: true,
    timezone: '',
    pollIntervalMs: 2_000,
    leaseMs: 60_000,
    lateGraceMs: 60_000,
    historyDays: 30,
    maxRetryDelayMs: 3_600_000,
    defaults: { timeoutMs: 3_600_000, retries: 0, retryDelayMs: 30_000, overlap: 'skip', catchUp: 'once' },
  };
}
