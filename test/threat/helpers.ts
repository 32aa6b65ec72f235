/** Synthetic honeypot events and a pipeline harness for the threat tests. */
import type { AnyEvent, EventPayloads, HoneypotRef } from '../../src/core/events.js';
import { makeEvent } from '../../src/core/events.js';
import type { Clock } from '../../src/scheduler/clock.js';
import { normalizeEvent, type ThreatEvent } from '../../src/threat/threat-event.js';

/** A clock tests move by hand (no timers fire on their own). */
export class TestClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimer(): () => void {
    return () => {};
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const T0 = Date.parse('2025-03-01T12:00:00.000Z');

export function ref(src: string, service = 'ssh', dstPort = 22): HoneypotRef {
  return { service, src_ip: src, src_port: 40000, dst_ip: '127.0.0.1', dst_port: dstPort, protocol: 'tcp' };
}

type Extra<T extends keyof EventPayloads> = Omit<EventPayloads[T], keyof HoneypotRef>;

export function hp<T extends 'honeypot.connect' | 'honeypot.auth' | 'honeypot.command' | 'honeypot.upload' | 'honeypot.close' | 'honeypot.payload'>(
  type: T,
  at: number,
  src: string,
  extra: Extra<T>,
  opts: { service?: string; port?: number; sensor?: string; session?: string } = {},
): AnyEvent {
  const data = { ...ref(src, opts.service ?? 'ssh', opts.port ?? 22), ...extra } as unknown as EventPayloads[T];
  return makeEvent(type, data, { sensor: opts.sensor ?? 'test-sensor', now: at, src: { ip: src }, session: opts.session ?? `s-${src}` }) as AnyEvent;
}

export const connect = (at: number, src: string, port: number, decoy?: number, sensor?: string) => hp('honeypot.connect', at, src, decoy === undefined ? {} : { decoy }, { port, service: decoy === undefined ? 'ssh' : 'decoy', ...(sensor ? { sensor } : {}) });
export const auth = (at: number, src: string, username = 'root', password = 'x', success = false, sensor?: string) => hp('honeypot.auth', at, src, { method: 'password', username, password, success }, sensor ? { sensor } : {});
export const command = (at: number, src: string, input: string, session?: string) => hp('honeypot.command', at, src, { input, known: true }, session ? { session } : {});
export const upload = (at: number, src: string, sha256: string) => hp('honeypot.upload', at, src, { filename: 'x.sh', size: 10, sha256, quarantine: null, truncated: false, via: 'sftp' });
export const close = (at: number, src: string, session?: string) => hp('honeypot.close', at, src, { duration_ms: 1, bytes_in: 1, bytes_out: 1, reason: 'eof' }, session ? { session } : {});
export const canary = (at: number, src: string) => makeEvent('canary.used', { canary_id: 'aws-key-1', kind: 'credential', src_ip: src, service: 'ssh', username: 'deploy' }, { sensor: 'test-sensor', now: at }) as AnyEvent;

export function norm(ev: AnyEvent): ThreatEvent {
  const n = normalizeEvent(ev);
  if (!n.ok) throw new Error(n.reason);
  return n.event;
}
