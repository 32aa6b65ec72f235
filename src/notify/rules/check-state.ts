import type { AlertDraft } from '../alert.js';
import { deviceLabel, type AlertRule } from './rule.js';

/**
 * A health check went down or came back up. The monitor emits `check.state_changed` only after the check's
 * retries, so one event is one real change. A new check (state `unknown`) that comes up raises nothing, one that
 * goes down does: it watches something already broken. Changes of a flapping check are left to `check-flapping`.
 */
export const checkStateRule: AlertRule = {
  id: 'check-state',
  description: 'a health check went down (also a new one, at its first conclusive result), or came back up',
  events: ['check.state_changed'],
  async map(event, ctx) {
    if (event.type !== 'check.state_changed') return [];
    const { check, previous, current, message, streak, flapping, device } = event.data;
    if (flapping || current === 'unknown' || previous === current || (previous === 'unknown' && current === 'up')) return [];
    const fields: Record<string, string> = { check: `${check.type} ${check.target}` };
    if (device) fields.device = deviceLabel(device);
    const base = { device, check, tags: await ctx.checkTags(check.id), fields };
    const draft: AlertDraft =
      current === 'down'
        ? { ...base, key: `check:${check.id}:down`, severity: 'critical', title: `${check.name} is DOWN`, text: `${check.name} is down after ${streak} failed result${streak === 1 ? '' : 's'}: ${message}` }
        : { ...base, key: `check:${check.id}:up`, severity: 'notice', title: `${check.name} is UP`, text: `${check.name} is up again: ${message}` };
    return [draft];
  },
};

/**
 * A flapping check (the monitor's flap detection says it changes state too often): one alert per throttle
 * window saying so, with the changes in between counted, instead of one alert per change.
 */
export const checkFlappingRule: AlertRule = {
  id: 'check-flapping',
  description: 'a health check is flapping: its state changes are summarised, not sent one by one',
  events: ['check.state_changed'],
  async map(event, ctx) {
    if (event.type !== 'check.state_changed' || !event.data.flapping) return [];
    const { check, current, message, device } = event.data;
    const fields: Record<string, string> = { check: `${check.type} ${check.target}`, now: current };
    if (device) fields.device = deviceLabel(device);
    return [
      {
        key: `check:${check.id}:flapping`,
        severity: 'warning',
        title: `${check.name} is flapping`,
        text: `${check.name} keeps changing state; now ${current}: ${message}`,
        device,
        check,
        tags: await ctx.checkTags(check.id),
        fields,
      },
    ];
  },
};
