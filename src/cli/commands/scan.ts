import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { ScanResult } from '../../inventory/scan-service.js';
import type { HostResult, ScanProgress } from '../../inventory/scanner/scan-types.js';
import { expandPorts, FlagCheck, type ConfigFlag } from '../flags.js';
import { dash, duration, renderTable, rtt } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** Most ports one scan may probe (the schema's maxItems for scanner.tcpPorts). */
const MAX_PORTS = 64;

interface ScanOpts {
  force?: boolean;
  cache: boolean;
  timeout?: string;
  retries?: string;
  ports?: string;
  concurrency?: string;
  icmp: boolean;
  dns: boolean;
  arp: boolean;
  json?: boolean;
}

/** `lnmt scan <targets...>`: a discovery scan in the foreground, with progress on a terminal. */
export const scanCommands: CommandGroup = {
  name: 'scan',
  register(program, rt) {
    program
      .command('scan')
      .description('discover hosts (ICMP echo, TCP connect probes, neighbour table, reverse DNS) and record them')
      .argument('<targets...>', 'IPv4 addresses, CIDRs (10.0.0.0/24), ranges (10.0.0.1-10.0.0.50 or 10.0.0.1-50), IPv6 addresses or CIDRs (/112 or longer), host names')
      .option('--force', 'allow more addresses than scanner.maxAddresses (65,536, a /16)')
      .option('--no-cache', 'probe every address, even those with a fresh answer in the status cache')
      .option('--timeout <ms>', 'per-host timeout upper bound in ms (scanner.timeoutMs)')
      .option('--retries <n>', 'retries for hosts that do not answer (scanner.retries)')
      .option('--ports <list>', 'TCP ports to probe, e.g. 22,80,443 or 8000-8010 (scanner.tcpPorts)')
      .option('--concurrency <n>', 'hosts probed at once (scanner.concurrency)')
      .option('--no-icmp', 'do not send ICMP echo requests (scanner.icmp=off)')
      .option('--no-dns', 'skip reverse DNS lookups (scanner.reverseDns=false)')
      .option('--no-arp', 'do not read the neighbour table (scanner.neighbours=false)')
      .option('--json', 'print the scan result as JSON on stdout')
      .addHelpText('after', '\nExamples:\n  lnmt scan 192.168.1.0/24\n  lnmt scan 10.0.0.1-50 --ports 22,80,443 --json\n  lnmt scan 10.0.0.0/8 --force --no-dns')
      .action(async (targets, opts, cmd) => scan(rt, cmd as unknown as CommandUnknownOpts, targets, opts as ScanOpts));
  },
};

async function scan(rt: CliRuntime, cmd: CommandUnknownOpts, targets: string[], o: ScanOpts): Promise<void> {
  // Scan flags are config keys: they are validated by the one schema, and errors name both flag and key.
  const check = new FlagCheck();
  const flags: ConfigFlag[] = [];
  if (o.timeout !== undefined) flags.push({ key: 'scanner.timeoutMs', value: o.timeout, flag: '--timeout' });
  if (o.retries !== undefined) flags.push({ key: 'scanner.retries', value: o.retries, flag: '--retries' });
  if (o.concurrency !== undefined) flags.push({ key: 'scanner.concurrency', value: o.concurrency, flag: '--concurrency' });
  if (o.ports !== undefined) flags.push({ key: 'scanner.tcpPorts', value: expandPorts(check, o.ports, MAX_PORTS), flag: '--ports' });
  if (!o.icmp) flags.push({ key: 'scanner.icmp', value: 'off', flag: '--no-icmp' });
  if (!o.dns) flags.push({ key: 'scanner.reverseDns', value: false, flag: '--no-dns' });
  if (!o.arp) flags.push({ key: 'scanner.neighbours', value: false, flag: '--no-arp' });
  check.done();
  const loaded = await rt.loadConfig(cmd, flags);
  const scanner = loaded.config.scanner; // a --timeout below the adaptive floor lowers the floor (loadConfig)

  // Targets are checked before the store is opened: a typo never creates a data directory or a scan row.
  const { parseTargets } = await import('../../inventory/targets.js');
  const set = await parseTargets(targets, { maxAddresses: scanner.maxAddresses, force: o.force ?? false, where: 'targets' });

  await rt.withContext(loaded, { persistEvents: true }, async (ctx) => {
    // "new" in the table = a device.discovered event of this scan.
    const discoveries: Array<{ scan: string | null; ip: string }> = [];
    const sub = ctx.bus.subscribe({ name: 'cli-scan', types: ['device.discovered'] }, (events) => {
      for (const e of events) if (e.type === 'device.discovered') discoveries.push({ scan: e.data.scan_id, ip: e.data.device.ip });
    });
    const progress = await progressBar(rt, set.count);
    let interrupted = false;
    try {
      const started = await ctx.scans.start(
        { targets, force: o.force ?? false, noCache: !o.cache, where: 'targets', requestedBy: 'cli' },
        {
          onProgress: (p) => progress.update(p),
          onNotice: (m) => progress.log(`${rt.ce.yellow('notice:')} ${m}`),
        },
        set,
      );
      rt.onSignal(['SIGINT', 'SIGTERM'], () => {
        if (interrupted) return;
        interrupted = true;
        progress.log('interrupted: stopping the scan and saving what was found (again to force quit)');
        ctx.scans.cancel(started.id);
        rt.onSignal(['SIGINT', 'SIGTERM'], () => process.exit(130));
      });
      const result = await started.done;
      progress.stop();
      await ctx.bus.drain();
      const discovered = new Set(discoveries.filter((d) => d.scan === started.id).map((d) => d.ip));
      if (o.json) rt.json(result);
      else await printResult(rt, result, discovered);
      if (result.status === 'cancelled') rt.exitCode = 130;
    } finally {
      progress.stop();
      await sub.unsubscribe();
    }
  });
}

async function printResult(rt: CliRuntime, r: ScanResult, discovered: Set<string>): Promise<void> {
  const c = rt.c;
  if (r.hosts.length > 0) {
    rt.print(
      renderTable(
        ['IP', 'STATUS', 'MAC', 'VENDOR', 'HOSTNAME', 'RTT', 'METHOD', 'NEW'].map((h) => c.bold(h)),
        r.hosts.map((h) => [
          h.ip,
          h.up ? c.green('up') : c.red('down'),
          dash(h.mac),
          vendor(h),
          dash(h.hostname),
          rtt(h.rtt_ms),
          h.cached ? `${dash(h.method)} (cached)` : dash(h.method),
          discovered.has(h.ip) ? c.cyan('new') : '',
        ]),
      ),
    );
  }
  const s = r.summary;
  const parts = [`${s.online} up`];
  if (s.discovered) parts.push(`${s.discovered} new`);
  if (s.came_online) parts.push(`${s.came_online} came online`);
  if (s.went_offline) parts.push(`${s.went_offline} went offline`);
  if (s.changed) parts.push(`${s.changed} changed`);
  if (s.cached) parts.push(`${s.cached} from cache`);
  const methods = Object.entries(s.methods).map(([m, n]) => `${m} ${n}`).join(', ');
  const state = r.status === 'finished' ? '' : ` ${c.yellow(`[${r.status}]`)}`;
  rt.print(`scanned ${s.addresses} address${s.addresses === 1 ? '' : 'es'} in ${duration(s.duration_ms)}: ${parts.join(', ')}${methods ? ` (${methods})` : ''}${state}`);
}

function vendor(h: HostResult): string {
  if (h.mac_private) return '(private MAC)';
  return dash(h.vendor ?? (h.mac ? '(unknown)' : null));
}

interface Progress {
  update(p: ScanProgress): void;
  log(line: string): void;
  stop(): void;
}

/** A progress bar on stderr when stderr is a terminal; otherwise notices only, as plain lines. */
async function progressBar(rt: CliRuntime, total: number): Promise<Progress> {
  if (rt.io.stderr.isTTY !== true || rt.io.stderr !== process.stderr) {
    return { update() {}, log: (line) => rt.note(line), stop() {} };
  }
  const { default: cliProgress } = await import('cli-progress');
  const multi = new cliProgress.MultiBar(
    {
      format: `scanning {bar} {percentage}% | {value}/{total} addresses | {up} up | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 10,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, 0, { up: 0 });
  // Draw now, not at the first frame 100 ms later: a scan that ends sooner would otherwise never show its bar.
  multi.update();
  let stopped = false;
  return {
    update: (p) => !stopped && bar.update(p.done, { up: p.up }),
    log: (line) => (stopped ? rt.note(line) : multi.log(`${line}\n`)),
    stop: () => {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
