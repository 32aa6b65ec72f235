import { createServer, type Server, type Socket } from 'node:net';
import type { EventPayloads, HoneypotRef } from '../../core/events.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { HoneypotEventSink } from './event-sink.js';
import type { HoneypotSession } from './honeypot-session.js';
import { connectionRef, serveConnection, type ServeOptions } from './serve-connection.js';

export interface AdmittingListenerOptions {
  service: string;
  bind: string;
  port: number;
  limits: ConnectionLimits;
  sink: HoneypotEventSink;
  /** Accept without reading (the socket is handed to a worker process, which reads it). */
  paused?: boolean;
  /** Fields every `honeypot.connect` of this port carries, also when a limit refuses it (decoys). */
  connectDetail?: Omit<EventPayloads['honeypot.connect'], keyof HoneypotRef>;
}

export interface TcpListenerOptions extends AdmittingListenerOptions, ServeOptions {}

export interface RunningListener {
  service: string;
  address: { address: string; port: number };
  /** Sessions open right now in this process. */
  sessions(): number;
  close(): Promise<void>;
}

/**
 * A bound honeypot port that admits connections through the limits (a refused one is still a
 * `honeypot.connect`, marked `refused`, then dropped) and gives each admitted one to `admitted`, which returns
 * false when nobody could take it (refused as `no-worker`).
 */
export async function listenAdmitting(o: AdmittingListenerOptions, admitted: (socket: Socket, ref: HoneypotRef, release: () => void) => boolean): Promise<{ server: Server; address: { address: string; port: number } }> {
  const server: Server = createServer({ noDelay: true, pauseOnConnect: o.paused === true }, (socket: Socket) => {
    socket.on('error', () => {});
    const ref = connectionRef(socket, o.service, o.port);
    // Reset before we accepted it (a connect scan's RST often beats accept()): Node cannot read the peer's address
    // any more, so the connection is recorded (it is still a probe of this port) with an unknown source and dropped.
    if (socket.remoteAddress === undefined) {
      o.sink.emit('honeypot.connect', ref, '', { ...o.connectDetail, refused: 'reset before accept' });
      socket.destroy();
      return;
    }
    const admission = o.limits.admit(ref.src_ip);
    if (!admission.ok) {
      o.sink.emit('honeypot.connect', ref, '', { ...o.connectDetail, refused: admission.reason });
      socket.destroy();
      return;
    }
    if (!admitted(socket, ref, admission.release)) {
      admission.release();
      o.sink.emit('honeypot.connect', ref, '', { ...o.connectDetail, refused: 'no-worker' });
      socket.destroy();
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
  return { server, address: { address: a.address, port: a.port } };
}

/** A honeypot port served in this process: each admitted connection becomes a session of the service. */
export async function listenTcp(o: TcpListenerOptions): Promise<RunningListener> {
  const open = new Set<HoneypotSession>();
  const { server, address } = await listenAdmitting(o, (socket, ref, release) => {
    const session = serveConnection(socket, ref, o, release);
    if (!session.isClosed) {
      open.add(session);
      session.onClose(() => open.delete(session));
    }
    return true;
  });
  return {
    service: o.service,
    address,
    sessions: () => open.size,
    async close() {
      // Stop accepting, end the open sessions (server.close waits for them), then wait for the listener.
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of [...open]) s.close('sensor stopping');
      await closed;
    },
  };
}
