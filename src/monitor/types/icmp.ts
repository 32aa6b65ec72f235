import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import Type, { type Static } from 'typebox';
import type { CheckOutcome, CheckType } from '../check-type.js';
import { canonicalHost, invalidTarget } from '../check-target.js';
import { abortable, startDeadline } from '../deadline.js';
import { describeNetError } from '../net-errors.js';
import { failed, formatMs, neverThrows, roundMs } from '../outcome.js';

export const IcmpParams = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 10, default: 1, description: 'echo requests per run, one after another; up if any is answered; latency is their average' }),
  },
  { additionalProperties: false },
);
export type IcmpParams = Static<typeof IcmpParams>;

const ALLOWED = 'an IP address or host name, e.g. 192.0.2.1, 2001:db8::1 or router.lan';

/**
 * ICMP echo over the process's shared raw socket (`CheckDeps.ping`). A host name is resolved once per run. With
 * `count` > 1 the requests go one after another, each waiting its share of what is left of the timeout; the
 * latency is the average RTT of the replies (min and max are in `details`).
 */
export const icmpCheck = {
  type: 'icmp',
  description: 'ICMP echo (ping) over a shared raw socket; up when any echo request is answered',
  params: IcmpParams,
  targetExample: '192.0.2.1',

  normalizeTarget(target, device) {
    if (target === undefined || target.trim() === '') {
      if (device) return device.ip;
      throw invalidTarget(target, 'an ICMP check needs a host (or attach it to a device)', ALLOWED);
    }
    const host = canonicalHost(target.trim());
    if (!host) throw invalidTarget(target, 'not an IP address or host name', ALLOWED);
    return host;
  },

  run: (input, deps) =>
    neverThrows('icmp', async (): Promise<CheckOutcome> => {
      if (!deps.ping) return failed(`ICMP unavailable: ${deps.pingUnavailable ?? 'raw sockets are not allowed in this process'}`);
      const ping = deps.ping;
      const count = input.params.count ?? 1;
      const dl = startDeadline(input.timeoutMs, input.signal);
      try {
        let ip = canonicalHost(input.target);
        if (ip !== null && isIP(ip) === 0) {
          try {
            ip = (await abortable(lookup(ip, { verbatim: true }), dl.signal)).address;
          } catch (err) {
            if (dl.signal.aborted) return failed(dl.timedOut() ? `DNS lookup of ${input.target} took longer than ${input.timeoutMs} ms` : 'cancelled (monitor stopping)');
            return failed(describeNetError(err, input.target));
          }
        }
        if (ip === null) return failed(`not an IP address or host name: ${input.target}`);
        const rtts: number[] = [];
        let sent = 0;
        for (; sent < count && !dl.signal.aborted; sent++) {
          const rtt = await ping(ip, dl.remaining() / (count - sent), dl.signal);
          if (rtt !== null) rtts.push(rtt);
        }
        if (rtts.length === 0 && dl.signal.aborted && !dl.timedOut()) return failed('cancelled (monitor stopping)', { ip, sent, received: 0 });
        return summarize(ip, count, sent, rtts, input.timeoutMs);
      } finally {
        dl.dispose();
      }
    }),
} satisfies CheckType<IcmpParams>;

/** `count` echoes were planned, `sent` went out before the deadline. */
function summarize(ip: string, count: number, sent: number, rtts: number[], timeoutMs: number): CheckOutcome {
  if (rtts.length === 0) {
    return failed(count === 1 ? `no reply within ${timeoutMs} ms` : `0/${sent} replies within ${timeoutMs} ms`, { ip, sent, received: 0 });
  }
  const min = Math.min(...rtts);
  const max = Math.max(...rtts);
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
  const details = { ip, sent, received: rtts.length, minMs: roundMs(min), avgMs: roundMs(avg), maxMs: roundMs(max) };
  const message = count === 1 ? `reply in ${formatMs(avg)}` : `${rtts.length}/${sent} replies, avg ${formatMs(avg)} (min ${formatMs(min)}, max ${formatMs(max)})`;
  return { ok: true, latencyMs: roundMs(avg), message, details };
}
