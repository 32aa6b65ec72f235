import { Socket } from 'node:net';

export type TcpOutcome = 'open' | 'closed' | 'unreachable' | 'timeout' | 'error';

export interface TcpProbeResult {
  outcome: TcpOutcome;
  rttMs: number;
  code?: string;
}

/** Errors that prove the host answered (a RST) or that prove nothing is there. */
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

/**
 * One TCP connect probe. A SYN-ACK (open) or a RST (closed, ECONNREFUSED) proves the host is up. An open
 * connection is reset straight away rather than closed, so the service sees no session.
 */
export function probeTcp(ip: string, port: number, timeoutMs: number): { done: Promise<TcpProbeResult>; cancel(): void } {
  const sock = new Socket();
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let settle!: (r: TcpProbeResult) => void;
  const done = new Promise<TcpProbeResult>((resolve) => {
    settle = (r) => {
      if (timer) clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => {});
      // resetAndDestroy() on a socket still connecting waits for the connect: plain destroy() then.
      if (!sock.destroyed) {
        if (r.outcome === 'open') sock.resetAndDestroy();
        else sock.destroy();
      }
      resolve(r);
    };
  });
  sock.once('connect', () => settle({ outcome: 'open', rttMs: performance.now() - t0 }));
  sock.once('error', (err: NodeJS.ErrnoException) => {
    const code = err.code ?? 'ERR';
    const outcome: TcpOutcome = code === 'ECONNREFUSED' ? 'closed' : UNREACHABLE.has(code) ? 'unreachable' : 'error';
    settle({ outcome, rttMs: performance.now() - t0, code });
  });
  timer = setTimeout(() => settle({ outcome: 'timeout', rttMs: performance.now() - t0 }), timeoutMs);
  sock.connect({ host: ip, port, noDelay: true });
  return { done, cancel: () => settle({ outcome: 'timeout', rttMs: performance.now() - t0 }) };
}
