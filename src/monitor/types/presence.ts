import Type, { type Static } from 'typebox';
import type { CheckDevice, CheckOutcome, CheckType } from '../check-type.js';
import { invalidTarget } from '../check-target.js';
import { failed, formatMs, neverThrows } from '../outcome.js';

export const PresenceParams = Type.Object(
  {
    // The tracker's word is trusted only this fresh: its status may still say online when no scan has looked
    // at the device since.
    maxAgeSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000, description: 'fail when the device was last seen longer ago than this, even if its status says online' })),
  },
  { additionalProperties: false },
);
export type PresenceParams = Static<typeof PresenceParams>;

const ALLOWED = 'the id of a device in the inventory (lnmt devices list), or no target on a check attached to a device';

/**
 * The device tracker's own view of a device: up while the device is online. It probes nothing; it turns the
 * scans' results into a check with uptime history and alerts. The latency is the device's last RTT.
 */
export const presenceCheck = {
  type: 'presence',
  description: "the device tracker's status of a device (online/offline, as last scanned)",
  params: PresenceParams,
  targetExample: '12',

  normalizeTarget(target, device) {
    const text = target?.trim() ?? '';
    if (text === '') {
      if (device) return String(device.id);
      throw invalidTarget(target, 'a presence check needs a device: set deviceId, or give the device id as target', ALLOWED);
    }
    if (!/^[1-9]\d{0,15}$/.test(text)) throw invalidTarget(target, 'not a device id', ALLOWED);
    if (device && Number(text) !== device.id) throw invalidTarget(target, `the check is attached to device ${device.id}; a presence check watches its own device`, `${device.id}, or no target`);
    return text;
  },

  run: (input, deps) =>
    neverThrows('presence', async (): Promise<CheckOutcome> => {
      const id = Number(input.target);
      let device: CheckDevice | null;
      try {
        device = await deps.device(id);
      } catch (err) {
        return failed(`device lookup failed: ${(err as Error)?.message ?? String(err)}`, { deviceId: id });
      }
      if (!device) return failed(`device ${id} is not in the inventory (removed?)`, { deviceId: id });
      const now = deps.now();
      const age = device.lastSeen === null ? null : Math.max(0, now - device.lastSeen);
      const details = { deviceId: id, ip: device.ip, status: device.status, lastSeen: device.lastSeen, lastChecked: device.lastChecked, ageSec: age === null ? null : Math.round(age / 1000) };
      const seen = age === null ? 'never seen' : `seen ${formatAge(age)} ago`;
      if (device.status !== 'online') {
        const word = device.status === 'offline' ? 'offline' : 'presence unknown';
        return failed(`${word} (${age === null ? 'never seen' : `last seen ${formatAge(age)} ago`})`, details);
      }
      const maxAge = input.params.maxAgeSec;
      if (maxAge !== undefined && (age === null || age > maxAge * 1000)) {
        return failed(`online, but ${age === null ? 'never seen' : `last seen ${formatAge(age)} ago`}: older than ${maxAge} s, presence unknown`, details);
      }
      const rtt = device.rttMs === null ? '' : `, rtt ${formatMs(device.rttMs)}`;
      return { ok: true, latencyMs: device.rttMs, message: `online (${seen}${rtt})`, details };
    }),
} satisfies CheckType<PresenceParams>;

/** `12 s`, `5 min`, `3 h`, `2 d`. */
export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
