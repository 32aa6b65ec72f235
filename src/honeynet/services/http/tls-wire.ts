import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';
import type { Wire } from './http-conversation.js';

/**
 * TLS over a session, without taking the socket away from the runtime. The TLS socket runs over an in-memory
 * duplex: ciphertext from the client is pushed in from the session socket's 'data' events (so the runtime still
 * counts input bytes and resets the idle timer), and ciphertext out goes through `session.write` (so the output
 * cap applies to what really leaves). Wrapping the net.Socket directly would move its reads into the TLS layer
 * and hide them from the session.
 */
export function tlsWire(session: HoneypotSession, context: SecureContext, first: Buffer, onData: (plain: Buffer) => void): Wire {
  const raw = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      session.write(chunk);
      cb();
    },
    final(cb) {
      if (!session.isClosed) session.socket.end();
      cb();
    },
  });
  raw.on('error', () => session.close('tls error'));
  const tls = new TLSSocket(raw, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
  tls.on('data', (d: Buffer) => onData(d));
  tls.on('error', () => session.close('tls error'));
  raw.push(first);
  session.socket.on('data', (chunk: Buffer) => {
    if (!session.isClosed) raw.push(chunk);
  });
  session.socket.on('end', () => raw.push(null));
  session.onClose(() => {
    tls.destroy();
    raw.destroy();
  });
  return {
    write: (data) => {
      if (session.isClosed) return false;
      tls.write(data);
      return !session.isClosed;
    },
    end: () => {
      if (!session.isClosed) tls.end();
    },
  };
}
