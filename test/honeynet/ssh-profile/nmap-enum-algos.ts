/**
 * Test helpers: run `nmap -sV --script ssh2-enum-algos` against a loopback port and parse its lists, and decide
 * whether a live test may skip (tools missing outside CI) or must fail (CI=true).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { KexInitLists } from '../../../src/honeynet/ssh-profile/openssh-kexinit.js';

const run = promisify(execFile);

export interface NmapSsh {
  /** nmap's service line, e.g. `OpenSSH 9.2p1 Debian 2+deb12u10 (protocol 2.0)`. */
  version: string;
  lists: KexInitLists;
  /** The ssh2-enum-algos block as printed, from `| ssh2-enum-algos:` to its `|_` line. */
  script: string[];
}

const SECTIONS: Record<string, keyof KexInitLists> = {
  kex_algorithms: 'kex',
  server_host_key_algorithms: 'serverHostKey',
  encryption_algorithms: 'cipher',
  mac_algorithms: 'mac',
  compression_algorithms: 'compression',
};

export function parseNmapSsh(text: string): NmapSsh {
  const lists: Record<keyof KexInitLists, string[]> = { kex: [], serverHostKey: [], cipher: [], mac: [], compression: [] };
  let current: keyof KexInitLists | undefined;
  let version = '';
  const script: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('| ssh2-enum-algos:') || (script.length > 0 && !script[script.length - 1]!.startsWith('|_'))) script.push(line);
    const service = /^\d+\/tcp\s+open\s+ssh\s+(.*)$/.exec(line);
    if (service) version = (service[1] ?? '').trim();
    const head = /^\|\s{3}(\w+): \(\d+\)/.exec(line);
    if (head) {
      current = SECTIONS[head[1] ?? ''];
      continue;
    }
    // Items are indented 7 columns; the last line of the script output starts `|_` instead of `| `.
    const item = /^\|(?:_\s{6}|\s{7})(\S+)$/.exec(line);
    if (item && current) lists[current].push(item[1] as string);
  }
  return { version, lists, script };
}

export async function nmapSsh(port: number): Promise<NmapSsh> {
  const { stdout } = await run('nmap', ['-sV', '-Pn', '-n', '-p', String(port), '--script', 'ssh2-enum-algos', '127.0.0.1'], { timeout: 60_000 });
  return parseNmapSsh(stdout);
}

export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (dir && existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  return undefined;
}

/** `false` (run), or a skip reason; under CI=true a missing tool throws instead, so CI cannot pass silently. */
export function skipUnless(tools: Record<string, string | undefined>): string | false {
  const missing = Object.entries(tools).filter(([, path]) => path === undefined).map(([name]) => name);
  if (missing.length === 0) return false;
  const reason = `${missing.join(', ')} not installed (apt-get install openssh-server nmap)`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}
