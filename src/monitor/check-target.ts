import { LnmtError } from '../core/errors.js';
import { normalizeIp } from '../core/ip.js';

/** A validation error about a check's target (the monitor prefixes `where` with the caller's field names). */
export function invalidTarget(value: unknown, message: string, allowed: string): LnmtError {
  return new LnmtError('LNMT_ERR_VALIDATION', `invalid target: ${message}`, { details: [{ where: 'target', value, allowed, message }] });
}

/** A validation error about one parameter: `where` is `params.<name>`. */
export function invalidParam(name: string, value: unknown, message: string, allowed: string): LnmtError {
  return new LnmtError('LNMT_ERR_VALIDATION', `invalid params.${name}: ${message}`, {
    details: [{ where: `params.${name}`, value, allowed, message }],
  });
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|\d+)$/;

/**
 * A host name in canonical form (lower case, no trailing dot), or null. Names that the C library would read as
 * a legacy IPv4 form are refused (`10.1`, `0x7f.1`, `2130706433` all mean an address to `inet_aton`): a name's
 * last label is never all digits (RFC 3696 §2).
 */
export function canonicalHostname(text: string): string | null {
  const name = text.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return null;
  const labels = name.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  if (/^\d+$/.test(labels.at(-1)!) || labels.every((l) => NUMERIC_LABEL.test(l))) return null;
  return name;
}

/** An IP address (canonical, IPv6 without brackets) or a host name (canonical), or null. */
export function canonicalHost(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return normalizeIp(bare) ?? (bare === text ? canonicalHostname(text) : null);
}

/** `host:port`, with IPv6 addresses in brackets (`[2001:db8::1]:22`). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const HOST_PORT_ALLOWED = 'host:port, e.g. 192.0.2.10:22, db.lan:5432 or [2001:db8::1]:443';

/**
 * Splits and canonicalises `host:port` (`[v6]:port` for IPv6). Throws a target validation error that says which
 * half is wrong.
 */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!m) {
    const msg = text.split(':').length > 2 && !text.startsWith('[') ? 'put an IPv6 address in brackets: [2001:db8::1]:22' : 'expected host:port';
    throw invalidTarget(text, msg, HOST_PORT_ALLOWED);
  }
  const host = canonicalHost(m[1]!);
  if (!host || (text.startsWith('[') && !host.includes(':'))) throw invalidTarget(text, `${JSON.stringify(m[1])} is not an IP address or host name`, HOST_PORT_ALLOWED);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidTarget(text, `port ${m[2]} is out of range`, 'a port from 1 to 65535');
  return { host, port };
}
