import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { normalizeMac } from '../../oui.js';

const run = promisify(execFile);

export interface NeighbourEntry {
  ip: string;
  iface: string;
  /** Null while unresolved (INCOMPLETE/FAILED). */
  mac: string | null;
  /** Kernel state when known (`ip neigh`), e.g. REACHABLE, STALE, FAILED; /proc gives only complete or not. */
  state: string;
}

/** IPv4 entries from /proc/net/arp: cheap to read many times a second (no process spawn). */
export async function readArpTable(path = '/proc/net/arp'): Promise<NeighbourEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  return parseProcArp(text);
}

export function parseProcArp(text: string): NeighbourEntry[] {
  const out: NeighbourEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const flags = parseInt(f[2]!, 16);
    const complete = (flags & 0x2) !== 0; // ATF_COM
    const permanent = (flags & 0x4) !== 0; // ATF_PERM
    const mac = complete ? normalizeMac(f[3]!) : null;
    out.push({ ip: f[0]!, iface: f[5]!, mac: mac && mac !== '00:00:00:00:00:00' ? mac : null, state: permanent ? 'PERMANENT' : complete ? 'COMPLETE' : 'INCOMPLETE' });
  }
  return out;
}

/** Entries with their kernel state from `ip -j neigh` (IPv6 too). */
export async function readIpNeigh(family: 4 | 6 | 0 = 0): Promise<NeighbourEntry[]> {
  const args = ['-j', ...(family ? [`-${family}`] : []), 'neigh', 'show'];
  try {
    const { stdout } = await run('ip', args, { timeout: 5000, maxBuffer: 64 * 1024 * 1024 });
    return parseIpNeighJson(stdout);
  } catch {
    return [];
  }
}

export function parseIpNeighJson(stdout: string): NeighbourEntry[] {
  const rows = JSON.parse(stdout || '[]') as Array<{ dst: string; dev: string; lladdr?: string; state?: string[] }>;
  return rows.map((r) => ({
    ip: r.dst,
    iface: r.dev,
    mac: r.lladdr && !(r.state ?? []).includes('FAILED') && !(r.state ?? []).includes('INCOMPLETE') ? normalizeMac(r.lladdr) : null,
    state: (r.state ?? ['NONE']).join(','),
  }));
}

/**
 * Forgets cached neighbour entries so the next packet re-resolves them: a STALE or REACHABLE entry left over
 * from before the scan proves nothing about the host now. One `ip -batch` for all of them. Needs CAP_NET_ADMIN.
 */
export async function forgetNeighbours(entries: Array<{ ip: string; iface: string }>): Promise<void> {
  if (entries.length === 0) return;
  const script = entries.map((e) => `neigh del ${e.ip} dev ${e.iface}`).join('\n');
  await new Promise<void>((resolve) => {
    const child = execFile('ip', ['-force', '-batch', '-'], { timeout: 5000 }, () => resolve());
    child.stdin?.end(`${script}\n`);
  });
}
