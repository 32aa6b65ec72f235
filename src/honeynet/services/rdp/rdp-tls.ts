/**
 * TLS for RDP's enhanced security, started in the middle of the TCP stream after the Connection Confirm. The TLS
 * socket runs over a duplex fed from the session's socket rather than over the socket itself, so every byte still
 * passes through the session: its input/output caps and idle timer keep working once TLS is up.
 */
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { PemCertificate, Persona, PersonaTls } from '../../persona/persona.js';
import type { HoneypotSession } from '../../runtime/honeypot-session.js';

/** A PEM key and certificate. */
export type PemPair = PemCertificate;

/**
 * The persona's certificate for the flavor, generated per install: `snakeoil` is what Debian's ssl-cert package
 * makes (xrdp's default), `rdp` the self-signed one Remote Desktop makes (CN = the Windows computer name).
 */
export function personaCert(persona: Persona, which: keyof PersonaTls): PemPair | null {
  const pair = persona.tls?.[which];
  return pair && pair.key && pair.cert ? pair : null;
}

/** A secure context for the pair, or null when it does not load. */
export function rdpSecureContext(pair: PemPair | null, maxVersion: 'TLSv1.2' | 'TLSv1.3'): SecureContext | null {
  if (!pair) return null;
  try {
    return createSecureContext({ key: pair.key, cert: pair.cert, minVersion: 'TLSv1.2', maxVersion });
  } catch {
    return null;
  }
}

/** Bridges the session's raw bytes to a TLS socket: `feed` what the client sends, TLS output goes to session.write. */
export class SessionTls {
  private readonly pipe: Duplex;
  readonly socket: TLSSocket;

  constructor(session: HoneypotSession, secureContext: SecureContext) {
    this.pipe = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        session.write(chunk);
        cb();
      },
    });
    this.socket = new TLSSocket(this.pipe, { isServer: true, secureContext });
    session.onClose(() => {
      this.socket.destroy();
      this.pipe.destroy();
    });
  }

  feed(chunk: Buffer): void {
    if (chunk.length) this.pipe.push(chunk);
  }

  /** Writes application data (encrypted to the client). */
  write(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }
}
