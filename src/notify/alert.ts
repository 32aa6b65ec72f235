import { SEVERITIES, type Severity } from '../core/config/sections/notify.js';
import type { CheckRef, DeviceRef } from '../core/events.js';

export { SEVERITIES, type Severity };

/** The event an alert was raised for, as channels show it. */
export interface AlertSource {
  id: string;
  type: string;
  time: string;
  sensor: string;
}

/** What a rule makes of an event: the parts of an alert the rule decides. */
export interface AlertDraft {
  /** Dedup/throttle key: alerts with one key are one story (`check:<id>:down`). */
  key: string;
  severity: Severity;
  /** One line: `web-1 is DOWN`. */
  title: string;
  /** A few lines a person reads. */
  text: string;
  device?: DeviceRef | null;
  check?: CheckRef | null;
  /** Tags channels may filter on (a check's tags). */
  tags?: string[];
  /** Short facts shown as fields (Slack context, Discord embed fields, webhook JSON). */
  fields?: Record<string, string>;
}

/** An alert on its way to the channels. */
export interface Alert extends Required<Omit<AlertDraft, 'device' | 'check'>> {
  /** Id of the rule that raised it, or `test` for `lnmt notify test`. */
  rule: string;
  device: DeviceRef | null;
  check: CheckRef | null;
  /** ISO 8601 UTC: the event's time (or, for a summary, when the throttle window ended). */
  time: string;
  event: AlertSource | null;
  /** Alerts with this key held back by throttling since the previous one was sent. */
  suppressed: number;
  /** True for the summary sent when a throttle window ends with suppressed alerts. */
  summary: boolean;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** `title` with the suppressed count a person should see: `web-1 is DOWN (2 more suppressed)`. */
export function headline(alert: Alert): string {
  if (alert.suppressed === 0) return alert.title;
  return `${alert.title} (${alert.suppressed} more suppressed)`;
}

/** `text`, followed by a line about suppressed alerts when there were any. */
export function bodyText(alert: Alert): string {
  if (alert.suppressed === 0) return alert.text;
  const what = alert.summary ? 'while throttled; this is the latest' : 'since the previous alert for this key';
  return `${alert.text}\n${alert.suppressed} similar alert${alert.suppressed === 1 ? ' was' : 's were'} suppressed ${what}.`;
}

/** Cuts `s` to at most `max` characters (code points), ending with `…` when cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
