import type { AlertRule } from './rule.js';
import { deviceLabel } from './rule.js';

/** A device answered for the first time: a new address in the inventory. */
export const newDeviceRule: AlertRule = {
  id: 'new-device',
  description: 'a new device appeared on the network (first answer from an address)',
  events: ['device.discovered'],
  map(event) {
    if (event.type !== 'device.discovered') return [];
    const { device, method, rtt_ms } = event.data;
    const fields: Record<string, string> = { ip: device.ip, mac: device.mac ?? '-', vendor: device.vendor ?? '-', hostname: device.hostname ?? '-', method };
    const seen = `first answered ${method}${rtt_ms !== null ? ` in ${rtt_ms} ms` : ''}`;
    const what = [device.mac ? `MAC ${device.mac}` : null, device.vendor ? `vendor ${device.vendor}` : null].filter(Boolean).join(', ');
    return [
      {
        key: `device:${device.id}:new`,
        severity: 'notice',
        title: `New device ${deviceLabel(device)}`,
        text: `New device ${deviceLabel(device)} on the network${what ? ` (${what})` : ''}; ${seen}.`,
        device,
        fields,
      },
    ];
  },
};
