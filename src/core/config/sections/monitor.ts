import Type, { type Static } from 'typebox';

/** `monitor.*`: health checks and their history. Per-check settings override `monitor.defaults`. */
export const MonitorConfigSchema = Type.Object(
  {
    /** Run checks in this process (`serve`); off for a hub that leaves checks to others. */
    enabled: Type.Boolean(),
    defaults: Type.Object(
      {
        intervalSec: Type.Integer({ minimum: 1, maximum: 86400 }),
        timeoutMs: Type.Integer({ minimum: 10, maximum: 120000 }),
        /** Consecutive failures after the first before a check is declared down (0 = the first failure). */
        retries: Type.Integer({ minimum: 0, maximum: 100 }),
        /** State changes within `flapWindowSec` at which a check counts as flapping (its alerts are held). */
        flapThreshold: Type.Integer({ minimum: 2, maximum: 1000 }),
        flapWindowSec: Type.Integer({ minimum: 10, maximum: 86400 }),
        /** HTTPS checks emit `check.cert_expiring` when the certificate has fewer days left than this. */
        certWarningDays: Type.Integer({ minimum: 0, maximum: 3650 }),
      },
      { additionalProperties: false },
    ),
    /** Checks running at once; the rest wait in the due queue (their drift is measured). */
    maxConcurrent: Type.Integer({ minimum: 1, maximum: 16000 }),
    /**
     * Days each level of history is kept: raw results, then minute, hour and day aggregates. Windows are answered
     * from the coarsest level that covers them (24 h: hours + minute edges; 1 y: days).
     */
    retention: Type.Object(
      {
        rawDays: Type.Integer({ minimum: 1, maximum: 3650 }),
        minuteDays: Type.Integer({ minimum: 1, maximum: 3650 }),
        hourDays: Type.Integer({ minimum: 1, maximum: 36500 }),
        dayDays: Type.Integer({ minimum: 1, maximum: 36500 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type MonitorConfig = Static<typeof MonitorConfigSchema>;

export function monitorDefaults(): MonitorConfig {
  return {
    enabled: true,
    defaults: { intervalSec: 60, timeoutMs: 5000, retries: 2, flapThreshold: 5, flapWindowSec: 600, certWarningDays: 14 },
    maxConcurrent: 1024,
    retention: { rawDays: 7, minuteDays: 14, hourDays: 90, dayDays: 400 },
  };
}
