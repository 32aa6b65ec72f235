import { Cron } from 'croner';
import type { CronExpression } from './cron/parse-cron.js';

/**
 * When a job runs: a cron expression in a time zone, or a fixed interval. `next` is the one question the
 * scheduler asks; it never returns a time at or before `now`, so a scheduler that was stopped for a while does
 * not fire a burst of missed runs (the catch-up policy decides about those).
 */
export interface JobSchedule {
  /**
   * The first run strictly after `now`. `due` is the run just claimed (null when the job is new or re-enabled):
   * intervals keep their phase from it.
   */
  next(due: number | null, now: number): number | null;
  /** Runs in [due, now], up to `cap`: how many a stopped scheduler missed. */
  missed(due: number, now: number, cap: number): number;
}

/**
 * Cron through croner, which follows Vixie cron on daylight-saving edges (as croner documents): a fixed time in
 * the spring-forward gap runs at the first valid time after it, on the same day; a fixed time that occurs
 * twice at fall-back runs once; expressions with wildcards or steps in the time fields skip the gap and run
 * in both passes of a repeated hour. The test suite pins these for Europe/Berlin and America/New_York.
 */
export function cronSchedule(cron: CronExpression, timeZone: string): JobSchedule {
  const c = new Cron(cron.expression, { timezone: timeZone, mode: cron.seconds ? '6-part' : '5-part', paused: true });
  const after = (t: number): number | null => c.nextRun(new Date(t))?.getTime() ?? null;
  return {
    next: (_due, now) => after(now),
    missed(due, now, cap) {
      let n = 0;
      for (let t: number | null = due; t !== null && t <= now && n < cap; t = after(t)) n++;
      return n;
    },
  };
}

export function everySchedule(everyMs: number): JobSchedule {
  return {
    next(due, now) {
      if (due === null) return now + everyMs;
      return now < due ? due : due + (Math.floor((now - due) / everyMs) + 1) * everyMs;
    },
    missed: (due, now, cap) => (now < due ? 0 : Math.min(cap, Math.floor((now - due) / everyMs) + 1)),
  };
}
