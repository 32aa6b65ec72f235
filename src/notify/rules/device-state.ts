import type { AlertRule } from './rule.js';
import { deviceLabel } from './rule.js';

/**
 * A tracked device (listed in `notify.trackedDevices`) went offline or came back, as discovery scans saw it.
 * Untracked devices raise nothing: on most networks phones and laptops come and go all day.
 */
export const deviceStateRule: AlertRule = {
  id: 'device-state',
  description: 'a tracked device (notify.trackedDevices) went offline or came back online in a scan',
  events: ['device.state_changed'],
  map(event, ctx) {
    if (event.type !== 'device.state_changed') return [];
    const { device, previous, current, method } = event.data;
    // As for checks: a device first seen online is no news, one first seen offline is.
    if (!ctx.isTracked(device) || current === 'unknown' || previous === current || (previous === 'unknown' && current === 'online')) return [];
    const label = deviceLabel(device);
    const fields: Record<string, string> = { ip: device.ip };
    if (device.mac) fields.mac = device.mac;
    if (current === 'offline') {
      return [{ key: `device:${device.id}:offline`, severity: 'warning', title: `${label} is OFFLINE`, text: `${label} stopped answering discovery scans.`, device, fields }];
    }
    return [{ key: `device:${device.id}:online`, severity: 'notice', title: `${label} is ONLINE`, text: `${label} answers again${method ? ` (${method})` : ''}.`, device, fields }];
  },
};
