/**
 * `npm run bench -- scan [--hosts 50] [--runs 3]`
 *
 * A /24 of the test LAN (network namespaces: normal hosts, hosts with one open TCP port, firewalled hosts that
 * answer only ARP, the rest absent). In the same run and the same scanner namespace, side by side:
 *   - `lnmt scan <cidr> --json --no-cache --no-dns` (the real CLI, a fresh data directory each run),
 *   - `nmap -sn -n <cidr>` (ARP ping on the local segment),
 * Reverse DNS is off for both: the namespaces have no resolver, and nmap waits out each lookup (80 s here).
 *   - `fping -a -q -g <cidr>` (ICMP only).
 * The kernel neighbour table is flushed before every run so no tool profits from another's ARP work.
 * Reports the median wall time (process start to exit), the hosts each found against the ground truth, and
 * our speed relative to nmap. Target (issue 2): the same hosts as nmap in at most half its wall time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestLan, VENDOR_MACS, macFor, type HostKind } from '../test/fixtures/netns/test-lan.js';
import { option, printTable, ratio, writeResult } from './harness.js';

const ROOT = join(import.meta.dirname, '..');

interface Tool {
  name: string;
  command: (cidr: string, dataDir: string) => string[];
  parse: (stdout: string) => string[];
}

const TOOLS: Tool[] = [
  {
    name: 'lnmt scan',
    command: (cidr, dataDir) => [process.execPath, join(ROOT, 'bin/lnmt.js'), 'scan', cidr, '--json', '--no-cache', '--no-dns', '--data-dir', dataDir],
    parse: (out) => (JSON.parse(out) as { hosts: Array<{ ip: string; up: boolean }> }).hosts.filter((h) => h.up).map((h) => h.ip),
  },
  {
    name: 'nmap -sn -n',
    command: (cidr) => ['nmap', '-sn', '-n', '-oG', '-', cidr],
    parse: (out) => [...out.matchAll(/^Host: (\S+) .*Status: Up/gm)].map((m) => m[1]!),
  },
  {
    name: 'fping -a -g',
    command: (cidr) => ['fping', '-a', '-q', '-g', cidr],
    parse: (out) => out.split('\n').map((l) => l.trim()).filter(Boolean),
  },
];

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function run(args: string[]): Promise<void> {
  const liveHosts = option(args, 'hosts', 50);
  const runs = option(args, 'runs', 3);
  for (const bin of ['nmap', 'fping', 'ip']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`]);
    } catch {
      throw new Error(`${bin} is not installed (apt-get install ${bin === 'ip' ? 'iproute2' : bin})`);
    }
  }
  if (!existsSync(join(ROOT, 'dist/bundle/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

  const hosts: Array<{ octet: number; kind: HostKind; mac: string; port?: number }> = [];
  for (let i = 0; i < liveHosts; i++) {
    const kind: HostKind = i % 7 === 5 ? 'tcp-only' : i % 7 === 6 ? 'firewalled' : 'icmp';
    hosts.push({ octet: 2 + Math.floor((i * 250) / liveHosts), kind, mac: macFor(VENDOR_MACS.raspberry, i), ...(kind === 'tcp-only' ? { port: 443 } : {}) });
  }
  const lan = await TestLan.create({ hosts });
  const truth = new Set([`${lan.prefix}.1`, ...lan.hosts.map((h) => h.ip)]);
  const times = new Map<string, number[]>(TOOLS.map((t) => [t.name, []]));
  const found = new Map<string, string[]>();
  try {
    for (let r = 0; r < runs; r++) {
      // Rotate the order so no tool always runs first (or right after another warmed a cache).
      for (const tool of [...TOOLS.slice(r % TOOLS.length), ...TOOLS.slice(0, r % TOOLS.length)]) {
        lan.execInScanner(['ip', 'neigh', 'flush', 'all']);
        const dataDir = mkdtempSync(join(tmpdir(), 'lnmt-bench-scan-'));
        const t0 = performance.now();
        const res = lan.execInScanner(tool.command(lan.cidr, dataDir), { timeoutMs: 120_000 });
        const ms = performance.now() - t0;
        rmSync(dataDir, { recursive: true, force: true });
        // fping exits 1 when some targets are unreachable, which is the normal case here.
        if (res.status !== 0 && !(tool.name.startsWith('fping') && res.status === 1)) throw new Error(`${tool.name} failed (${res.status}): ${res.stderr}`);
        times.get(tool.name)!.push(ms);
        found.set(tool.name, tool.parse(res.stdout));
      }
    }
  } finally {
    await lan.destroy();
  }

  const nmapMs = median(times.get('nmap -sn -n')!);
  const rows = TOOLS.map((t) => {
    const ips = new Set(found.get(t.name));
    const missed = [...truth].filter((ip) => !ips.has(ip)).length;
    const extra = [...ips].filter((ip) => !truth.has(ip)).length;
    const ms = median(times.get(t.name)!);
    return { tool: t.name, 'median s': ms / 1000, 'min s': Math.min(...times.get(t.name)!) / 1000, found: ips.size, missed, extra, 'speed vs nmap': ratio(ms, nmapMs, false) };
  });
  process.stdout.write(`\nscan: ${lan.cidr} (254 addresses, ${truth.size} live incl. the scanner; ${hosts.filter((h) => h.kind === 'firewalled').length} firewalled, ${hosts.filter((h) => h.kind === 'tcp-only').length} TCP-only), ${runs} runs each\n\n`);
  printTable(rows);
  const ours = rows[0]!;
  process.stdout.write(`\ntarget: same hosts as nmap (${ours.missed === 0 && ours.extra === 0 ? 'met' : 'NOT met'}) in <= 50% of its time (${(ours['median s'] * 1000) / nmapMs <= 0.5 ? 'met' : 'NOT met'}: ${Math.round((ours['median s'] * 100000) / nmapMs)}%);` +
    ` seed report: 254 addresses in 3.8 s, target < 10 s (${ours['median s'] < 3.8 ? 'beaten' : 'not beaten'})\n`);
  const file = writeResult('scan', { cidr: lan.cidr, addresses: 254, live: truth.size, runs, rows, raw_ms: Object.fromEntries(times) });
  process.stdout.write(`wrote ${file}\n`);
}
