import { randomBytes } from 'node:crypto';
import type { HoneypotSession } from './honeypot-session.js';

const PRINTABLE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

/**
 * Tarpit mode: instead of the service, the connection gets a trickle that never ends, wasting the scanner's time
 * at almost no cost here (one small write per interval, no state). For SSH, random lines before the
 * identification string, which RFC 4253 §4.2 allows a server to send (clients wait for `SSH-`); for other
 * services, Telnet NOPs (`IAC NOP`). The session's limits still apply: its maximum length ends it.
 */
export function tarpit(session: HoneypotSession, intervalMs: number): void {
  const ssh = session.ref.service === 'ssh';
  const timer = setInterval(() => {
    if (session.isClosed) return clearInterval(timer);
    let chunk: Buffer;
    if (ssh) {
      const bytes = randomBytes(1 + (randomBytes(1)[0]! % 32));
      let line = '';
      for (const b of bytes) line += PRINTABLE[b % PRINTABLE.length];
      // A line must not start with `SSH-`, or the client would take it as the identification.
      chunk = Buffer.from(`${line.startsWith('SSH-') ? `x${line}` : line}\r\n`);
    } else chunk = Buffer.from([255, 241]);
    session.socket.write(chunk);
    session.noteOutput();
  }, intervalMs);
  session.onClose(() => clearInterval(timer));
}
