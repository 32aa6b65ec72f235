import type { Socket } from 'node:net';
import type { HoneypotRef } from '../../core/events.js';
import type { HoneypotEventSink } from './event-sink.js';
import { HoneypotSession, type SessionLimits } from './honeypot-session.js';
import type { ServiceHandler } from './honeypot-service.js';
import { tarpit } from './tarpit.js';

/** What serving one admitted connection needs, in the sensor process or in a worker. */
export interface ServeOptions {
  session: SessionLimits;
  sink: HoneypotEventSink;
  handler: ServiceHandler;
  /** Tarpit mode: every connection gets a slow endless trickle instead of the service (see tarpit.ts). */
  tarpitIntervalMs?: number | null;
  now?: () => number;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`: one spelling per source, for limits and events. */
export function plainIp(addr: string | undefined): string {
  if (!addr) return '0.0.0.0';
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/** The addresses of an accepted socket, as every event of its session carries them. */
export function connectionRef(socket: Socket, service: string, listenPort: number): HoneypotRef {
  return { service, src_ip: plainIp(socket.remoteAddress), src_port: socket.remotePort ?? 0, dst_ip: plainIp(socket.localAddress), dst_port: socket.localPort ?? listenPort, protocol: 'tcp' };
}

/**
 * Wraps an admitted connection in a session (`honeypot.connect` now, `honeypot.close` exactly once later) and
 * hands it to the service, or to the tarpit. `release` gives the admission back when the session ends.
 */
export function serveConnection(socket: Socket, ref: HoneypotRef, o: ServeOptions, release: () => void, id?: string): HoneypotSession {
  const session = new HoneypotSession(ref, socket, o.sink, o.session, release, o.now, id);
  session.emit('honeypot.connect', o.handler.connectDetail?.(ref) ?? {});
  if (o.tarpitIntervalMs) tarpit(session, o.tarpitIntervalMs);
  else {
    try {
      o.handler.handle(session);
    } catch {
      session.close('service error');
    }
  }
  return session;
}
