import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The /24 (IPv4) or /64 (IPv6) a source belongs to: the unit a botnet or hoster usually spans. */
export function networkOf(ip: string): string {
  if (isIPv4(ip)) {
    const p = ip.split('.');
    return `${p[0]}.${p[1]}.${p[2]}.0/24`;
  }
  try {
    const parts = ipaddr.IPv6.parse(ip).parts;
    return `${parts.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
  } catch {
    return ip;
  }
}

/**
 * A command line with its variable parts (URLs, addresses, numbers, random names) replaced, so the same bot
 * script from different sources — each fetching from its own host or writing a random file name — yields the
 * same fingerprint.
 */
export function normalizeCommand(input: string): string {
  return input
    .replace(/\b[a-z]+:\/\/\S+/gi, '<url>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/\b\d+\b/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 512);
}

/** A short stable key for a sequence of normalised commands (a session's script). */
export function sequenceKey(commands: readonly string[]): string {
  return createHash('sha256').update(commands.join('\n')).digest('hex').slice(0, 24);
}
