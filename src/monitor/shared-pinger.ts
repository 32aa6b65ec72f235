import { normalizeIp } from '../core/ip.js';
import { IcmpPinger, type EchoReplyHandler } from '../inventory/scanner/methods/icmp-pinger.js';
import type { CheckDeps } from './check-type.js';

/** What the shared pinger needs from an echo socket: `IcmpPinger`'s surface (a fake in tests). */
export interface EchoSocket {
  send(ip: string): void;
  forget(ip: string): void;
  close(): void;
}
export type EchoSocketOpener = (onReply: EchoReplyHandler) => { pinger: EchoSocket } | { reason: string };

export type PingFn = NonNullable<CheckDeps['ping']>;

export interface SharedPinger {
  /** `CheckDeps.ping`: resolves to the RTT in ms, or null on timeout, abort, an invalid address or after `close()`. */
  ping: PingFn;
  /** Echo requests waiting for a reply right now (all hosts). */
  pending(): number;
  /** Closes the socket; pings in flight resolve to null. */
  close(): void;
}

interface Waiter {
  sentAt: number;
  settle(rtt: number | null): void;
}

/**
 * `CheckDeps.ping` over ONE raw ICMP socket per process (per address family), however many checks ping at
 * once: the scanner's `IcmpPinger` tags requests with one identifier and reports replies by source address.
 *
 * Replies carry no per-request tag through `IcmpPinger`, so several pings in flight to one host are matched in
 * order: each reply settles the oldest waiting ping to that address. Echo replies from one host come back in
 * the order sent, so this is exact unless a request is lost (the next reply then counts for it, and the later
 * ping waits for its own). RTTs are measured per ping, from its own send.
 */
export function openSharedPinger(opts: { open?: EchoSocketOpener } = {}): SharedPinger | { ping: null; reason: string } {
  const waiting = new Map<string, Waiter[]>();
  const opened = (opts.open ?? IcmpPinger.open)((ip) => {
    const queue = waiting.get(normalizeIp(ip) ?? ip);
    queue?.[0]?.settle(performance.now() - queue[0].sentAt);
  });
  if ('reason' in opened) return { ping: null, reason: opened.reason };
  const sock = opened.pinger;
  let closed = false;
  let inFlight = 0;

  const ping: PingFn = (ip, timeoutMs, signal) =>
    new Promise<number | null>((resolve) => {
      const key = normalizeIp(ip);
      if (closed || !key || signal.aborted) return resolve(null);
      const queue = waiting.get(key) ?? [];
      waiting.set(key, queue);
      const onAbort = (): void => waiter.settle(null);
      const timer = setTimeout(onAbort, Math.max(0, timeoutMs));
      const waiter: Waiter = {
        sentAt: performance.now(),
        settle(rtt) {
          const at = queue.indexOf(waiter);
          if (at < 0) return;
          queue.splice(at, 1);
          inFlight--;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          if (queue.length === 0 && waiting.get(key) === queue) {
            waiting.delete(key);
            sock.forget(key); // late replies to this host are ignored from now on
          }
          resolve(rtt);
        },
      };
      queue.push(waiter);
      inFlight++;
      signal.addEventListener('abort', onAbort, { once: true });
      sock.send(key);
    });

  return {
    ping,
    pending: () => inFlight,
    close() {
      if (closed) return;
      closed = true;
      for (const queue of [...waiting.values()]) for (const w of [...queue]) w.settle(null);
      sock.close();
    },
  };
}
