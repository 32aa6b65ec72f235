import { createServer, type Server, type Socket } from 'node:net';
import type { HoneypotEventSink } from './event-sink.js';
import { HoneypotSession, type SessionLimits } from './honeypot-session.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { ServiceHandler } from './honeypot-service.js';
import { tarpit } from './tarpit.js';

export interface TcpListenerOptions {
  service: string;
  bind: string;
  port: number;
  limits: ConnectionLimits;
  session: SessionLimits;
  sink: HoneypotEventSink;
  handler: ServiceHandler;
  /** Tarpit mode: every connection gets a slow endless trickle instead of the service (see tarpit.ts). */
  tarpitIntervalMs?: number | null;
  now?: () => number;
}

export interface RunningListener {
  service: string;
  address: { address: string; port: number };
  /** Sessions open right now. */
  sessions(): number;
  close(): Promise<void>;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`: one spelling per source, for limits and events. */
function plainIp(addr: string | undefined): string {
  if (!addr) return '0.0.0.0';
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/**
 * A honeypot port: admits connections through the limits (a refused one is still a `honeypot.connect`, marked
 * `refused`, then dropped), wraps each in a session and hands it to the service.
 */
export async function listenTcp(o: TcpListenerOptions): Promise<RunningListener> {
  const open = new Set<HoneypotSession>();
  const server: Server = createServer({ noDelay: true }, (socket: Socket) => {
    socket.on('error', () => {});
    const src = plainIp(socket.remoteAddress);
    const ref = { service: o.service, src_ip: src, src_port: socket.remotePort ?? 0, dst_ip: plainIp(socket.localAddress), dst_port: socket.localPort ?? o.port, protocol: 'tcp' as const };
    const admission = o.limits.admit(src);
    if (!admission.ok) {
      o.sink.emit('honeypot.connect', ref, '', { refused: admission.reason });
      socket.destroy();
      return;
    }
    const session = new HoneypotSession(ref, socket, o.sink, o.session, admission.release, o.now);
    open.add(session);
    session.onClose(() => open.delete(session));
    session.emit('honeypot.connect', {});
    if (o.tarpitIntervalMs) {
      tarpit(session, o.tarpitIntervalMs);
      return;
    }
    try {
      o.handler.handle(session);
    } catch {
      session.close('service error');
    }
  });
  server.maxConnections = Number.MAX_SAFE_INTEGER; // the limits decide, and log what they refuse
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as { address: string; port: number };
  return {
    service: o.service,
    address: { address: a.address, port: a.port },
    sessions: () => open.size,
    async close() {
      // Stop accepting, end the open sessions (server.close waits for them), then wait for the listener.
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of [...open]) s.close('sensor stopping');
      await closed;
    },
  };
}
