/**
 * `npm run bench -- checks [--checks 5000] [--interval 30] [--seconds 120] [--servers 16] [--no-naive]`
 *
 * 5,000 checks (half TCP connect with a banner match, half HTTP GET) at 30 s intervals against local servers (a
 * separate process) for 2 minutes, in a process of their own, reporting checks/s, schedule drift (start time
 * minus due time) p50/p99/max, CPU % of one core, event-loop delay and peak RSS. The peer in the same run is the
 * naive design: one setInterval per check and one INSERT per result, with the same check modules.
 * Targets (issue 3): drift p99 < 100 ms and CPU < 30 % of one core.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { flag, option, printTable, ratio, writeResult } from './harness.js';

const HERE = import.meta.dirname;

async function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  for await (const line of rl) if (line.trim()) return line;
  throw new Error('child exited without output');
}

function worker(mode: string, args: string[]): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, '_checks-worker.ts'), mode, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return firstLine(child).then((l) => JSON.parse(l) as Record<string, number>);
}

export async function run(args: string[]): Promise<void> {
  const checks = option(args, 'checks', 5000);
  const interval = option(args, 'interval', 30);
  const seconds = option(args, 'seconds', 120);
  const servers = spawn(process.execPath, ['--import', 'tsx', join(HERE, '_check-servers.ts'), String(option(args, 'servers', 16))], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const ports = await firstLine(servers);
    const common = [String(checks), String(interval), String(seconds), ports];
    process.stderr.write(`running ${checks} checks every ${interval} s for ${seconds} s (lnmt)...\n`);
    const ours = await worker('lnmt', common);
    let naive: Record<string, number> | null = null;
    if (!flag(args, 'no-naive')) {
      process.stderr.write(`... and the same with one timer per check (naive)...\n`);
      naive = await worker('naive', common);
    }
    const cols = ['runs', 'failures', 'checks_per_s', 'drift_p50_ms', 'drift_p99_ms', 'drift_max_ms', 'skipped_slots', 'cpu_pct_of_one_core', 'loop_delay_p99_ms', 'rss_max_mb', 'stored'];
    const rows = [{ design: 'lnmt monitor', ...ours }, ...(naive ? [{ design: 'naive: timer per check, insert per result', ...naive }] : [])];
    printTable(rows, ['design', ...cols]);
    const targets = { drift_p99_ms_below: 100, cpu_pct_below: 30 };
    const met = ours.drift_p99_ms! < targets.drift_p99_ms_below && ours.cpu_pct_of_one_core! < targets.cpu_pct_below;
    process.stdout.write(`\ntargets: drift p99 < 100 ms, CPU < 30 % of one core: ${met ? 'met' : 'NOT met'}\n`);
    if (naive) process.stdout.write(`vs naive: CPU ${ratio(ours.cpu_pct_of_one_core!, naive.cpu_pct_of_one_core!, false)}, drift p99 ${ratio(ours.drift_p99_ms! || 0.001, naive.drift_p99_ms! || 0.001, false)}\n`);
    const file = writeResult('checks', { params: { checks, interval, seconds }, lnmt: ours, naive, targets, met });
    process.stdout.write(`written ${file}\n`);
  } finally {
    servers.stdin!.end();
    servers.kill();
  }
}
