/** Socket and resolver error codes in the words of a person reading a check's status. */
const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host is down',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network is down',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  EADDRNOTAVAIL: 'address not available (no local address can reach it)',
  EACCES: 'not permitted (firewall or privileged port)',
  EPERM: 'not permitted (blocked by a local firewall rule)',
  EMFILE: 'too many open files in this process',
  ENOBUFS: 'out of socket buffers',
};

/**
 * One line for a failed connection, resolution or exchange. `host` names the looked-up name in DNS failures
 * (`DNS lookup of db.lan failed: name not found (ENOTFOUND)`).
 */
export function describeNetError(err: unknown, host?: string): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA') return `DNS lookup of ${host ?? 'the host'} failed: name not found (${code})`;
  if (code === 'EAI_AGAIN') return `DNS lookup of ${host ?? 'the host'} failed: temporary resolver failure (EAI_AGAIN)`;
  if (code === 'EAI_FAIL') return `DNS lookup of ${host ?? 'the host'} failed: resolver failure (EAI_FAIL)`;
  const known = MESSAGES[code];
  if (known) return known;
  const text = e?.message ?? String(err);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
