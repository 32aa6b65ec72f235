import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { FlagCheck } from '../flags.js';
import { dash, renderTable } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';
import { pct } from './checks.js';
import { findDevice, parseRef } from './devices.js';

const WINDOW = /^\d{1,6}(m|h|d|w|y)$/;

/** `lnmt uptime [device]`: the health report (every device) or one device over several windows. */
export const uptimeCommands: CommandGroup = {
  name: 'uptime',
  register(program, rt) {
    program
      .command('uptime')
      .description('uptime % per device from its checks: all devices over one window, or one device over 24h/7d/30d/1y')
      .argument('[device]', 'a device id or IP (default: every device with checks)')
      .option('--window <w>', 'window(s): 24h, 7d, 30d, 1y; several separated by commas for one device')
      .option('--sort <by>', 'all devices: uptime (worst first), ip or down', 'uptime')
      .option('--json', 'print as JSON')
      .action(async (device, opts, cmd) => uptime(rt, cmd as unknown as CommandUnknownOpts, device, opts));
  },
};

async function uptime(rt: CliRuntime, cmd: CommandUnknownOpts, device: string | undefined, o: { window?: string; sort: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const windows = (o.window ?? (device ? '24h,7d,30d,1y' : '24h')).split(',').map((w) => w.trim());
  for (const w of windows) if (!WINDOW.test(w)) check.add({ where: '--window', value: w, message: 'not a window', allowed: 'a number and a unit m, h, d, w or y, e.g. 24h, 7d, 30d, 1y' });
  if (!device && windows.length > 1) check.add({ where: '--window', value: o.window, message: 'one window only for the all-devices report', allowed: 'a single window, or name a device' });
  const sort = check.choice('--sort', o.sort, ['uptime', 'ip', 'down'] as const);
  check.done();
  const ref = device ? await parseRef(device) : null;
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { parseDuration } = await import('../../monitor/windows.js');
    const spans = windows.map((w) => [w, parseDuration(w, '--window')] as const);
    // Bring the aggregates up to date first (cheap when the server's maintenance job already did).
    await ctx.monitor.maintain();
    if (ref) {
      const d = await findDevice(ctx, ref);
      const out: Record<string, { checks: number; total: number; up: number; down: number; uptime: number | null }> = {};
      for (const [w, ms] of spans) {
        const [row] = await ctx.monitor.history.healthReport(ms, Number(d.id));
        out[w] = row ? { checks: row.checks, total: row.total, up: row.up, down: row.down, uptime: row.uptime } : { checks: 0, total: 0, up: 0, down: 0, uptime: null };
      }
      if (o.json) return rt.json({ device: { id: Number(d.id), ip: d.ip, hostname: d.hostname, name: d.name }, windows: out });
      rt.print(`${rt.c.bold(d.name ?? d.hostname ?? d.ip)} (${d.ip}, id ${d.id})`);
      rt.print(renderTable(['WINDOW', 'UPTIME', 'RESULTS', 'UP', 'DOWN', 'CHECKS'].map((h) => rt.c.bold(h)), Object.entries(out).map(([w, r]) => [w, pct(r.uptime), String(r.total), String(r.up), String(r.down), String(r.checks)])));
      if (Object.values(out).every((r) => r.checks === 0)) rt.note('no check results for this device yet: attach one with `lnmt checks add presence --device <id|ip>`');
      return;
    }
    const [w, ms] = spans[0]!;
    const rows = await ctx.monitor.history.healthReport(ms);
    rows.sort((a, b) => (sort === 'ip' ? a.ip.localeCompare(b.ip, 'en', { numeric: true }) : sort === 'down' ? b.down - a.down : (a.uptime ?? 101) - (b.uptime ?? 101)));
    if (o.json) return rt.json({ window: w, items: rows });
    if (rows.length === 0) {
      rt.print(`no device has check results in the last ${w}: attach checks to devices (lnmt checks add <type> <target> --device <id|ip>) and let them run`);
      return;
    }
    rt.print(renderTable(['DEVICE', 'IP', 'UPTIME', 'RESULTS', 'UP', 'DOWN', 'CHECKS'].map((h) => rt.c.bold(h)), rows.map((r) => [dash(r.name ?? r.hostname), r.ip, pct(r.uptime), String(r.total), String(r.up), String(r.down), String(r.checks)])));
    rt.note(`${rows.length} device(s), last ${w}`);
  });
}
