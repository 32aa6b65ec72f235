import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { ScanSummary } from '../../store/repositories/scan-repo.js';
import { ago, bytes, duration, isoTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';
import { pidAlive, probeHealth, readServeState, serveStatePath, type HealthProbe } from '../serve-state.js';

interface StatusReport {
  server: {
    running: boolean;
    state_file: string;
    pid: number | null;
    url: string | null;
    started_at: string | null;
    /** The state file names a process that is gone, or one that does not answer. */
    stale: boolean;
    health: HealthProbe | null;
  };
  store: { driver: string; location: string; exists: boolean; size_bytes: number | null };
  devices: { total: number; online: number; offline: number; unknown: number };
  last_scan: {
    id: string;
    status: string;
    targets: string[];
    created_at: string | null;
    finished_at: string | null;
    summary: ScanSummary | null;
    error: string | null;
  } | null;
}

/** `lnmt status`: is a server running, where the data lives and how big it is, device counts, the last scan. */
export const statusCommands: CommandGroup = {
  name: 'status',
  register(program, rt) {
    program
      .command('status')
      .description('show whether a server is running, the database location and size, device counts and the last scan')
      .option('--json', 'print the status as JSON')
      .action(async (opts, cmd) => status(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

async function status(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  const { config } = loaded;
  const statePath = serveStatePath(config.dataDir, rt.io.cwd);
  const state = await readServeState(statePath);
  const alive = state ? pidAlive(state.pid) : false;
  const health = state && alive ? await probeHealth(state.url) : null;
  const report: StatusReport = {
    server: {
      running: health?.ok === true,
      state_file: statePath,
      pid: state?.pid ?? null,
      url: state?.url ?? null,
      started_at: state?.started_at ?? null,
      stale: state !== null && health?.ok !== true,
      health,
    },
    store: { driver: config.store.driver, location: '', exists: false, size_bytes: null },
    devices: { total: 0, online: 0, offline: 0, unknown: 0 },
    last_scan: null,
  };

  // `status` on a fresh machine reports "no database yet" instead of creating one.
  let exists = true;
  if (config.store.driver === 'sqlite') {
    const { sqliteFilePath } = await import('../../store/sqlite/sqlite-store.js');
    report.store.location = sqliteFilePath({ dataDir: resolve(rt.io.cwd, config.dataDir), file: config.store.sqlite.file });
    exists = existsSync(report.store.location);
  }
  if (exists) {
    await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
      report.store.location = ctx.store.location;
      report.store.size_bytes = await ctx.store.sizeBytes();
      const counts = await ctx.repos.devices.countByStatus();
      report.devices = { total: counts.online + counts.offline + counts.unknown, ...counts };
      const [scan] = await ctx.repos.scans.list(1);
      if (scan) {
        report.last_scan = {
          id: scan.id,
          status: scan.status,
          targets: JSON.parse(scan.targets) as string[],
          created_at: isoTime(scan.created_at),
          finished_at: isoTime(scan.finished_at),
          summary: scan.summary ? (JSON.parse(scan.summary) as ScanSummary) : null,
          error: scan.error,
        };
      }
    });
  }
  report.store.exists = exists;

  if (o.json) return rt.json(report);
  const c = rt.c;
  const label = (s: string) => c.bold(`${s}:`.padEnd(11));
  const srv = report.server;
  if (srv.running && health?.ok) {
    rt.print(`${label('server')}${c.green('running')} (pid ${srv.pid}) at ${srv.url}, health ok in ${Math.round(health.ms)} ms, up since ${srv.started_at}`);
  } else if (state && alive) {
    rt.print(`${label('server')}${c.yellow('not answering')} (pid ${srv.pid} is alive, ${srv.url}: ${health && !health.ok ? health.error : 'no answer'})`);
  } else if (state) {
    rt.print(`${label('server')}${c.red('not running')} (stale ${statePath}: pid ${state.pid} is gone)`);
  } else {
    rt.print(`${label('server')}not running (start it with \`lnmt serve\`)`);
  }
  const st = report.store;
  rt.print(`${label('database')}${st.driver} ${st.location || '(see store.postgres.url)'}${st.exists ? (st.size_bytes !== null ? ` (${bytes(st.size_bytes)})` : '') : ' (not created yet)'}`);
  const d = report.devices;
  rt.print(`${label('devices')}${d.total} (${c.green(`${d.online} online`)}, ${c.red(`${d.offline} offline`)}, ${d.unknown} unknown)`);
  const s = report.last_scan;
  if (!s) {
    rt.print(`${label('last scan')}none`);
  } else {
    const sum = s.summary ? `: ${s.summary.addresses} address${s.summary.addresses === 1 ? '' : 'es'}, ${s.summary.online} up, ${s.summary.discovered} new, in ${duration(s.summary.duration_ms)}` : '';
    const when = s.finished_at ?? s.created_at;
    rt.print(`${label('last scan')}${s.status} ${when ? `${ago(Date.parse(when))} ` : ''}(${s.targets.join(' ')})${sum}${s.error ? ` — ${s.error}` : ''} [${s.id}]`);
  }
}
