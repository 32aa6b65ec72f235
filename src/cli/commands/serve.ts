import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { RunningServer } from '../../api/server.js';
import { LnmtError } from '../../core/errors.js';
import type { ConfigFlag } from '../flags.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';
import { pidAlive, probeHealth, readServeState, removeServeState, serveStatePath, writeServeState } from '../serve-state.js';

/** After a stop signal, in-flight work gets this long before the process gives up waiting. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

/** `lnmt serve`: the all-in-one process (API, store, bus) until SIGINT/SIGTERM. */
export const serveCommands: CommandGroup = {
  name: 'serve',
  register(program, rt) {
    program
      .command('serve')
      .description('run the LNMT server (API on api.host:api.port, store in the data dir) until SIGINT/SIGTERM')
      .option('--host <host>', 'listen address (config key api.host; default 127.0.0.1)')
      .option('--port <port>', 'listen port (config key api.port; default 8088)')
      .action(async (opts, cmd) => serve(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

async function serve(rt: CliRuntime, cmd: CommandUnknownOpts, o: { host?: string; port?: string }): Promise<void> {
  const flags: ConfigFlag[] = [];
  if (o.host !== undefined) flags.push({ key: 'api.host', value: o.host, flag: '--host' });
  if (o.port !== undefined) flags.push({ key: 'api.port', value: o.port, flag: '--port' });
  const loaded = await rt.loadConfig(cmd, flags);
  const { config } = loaded;

  const statePath = serveStatePath(config.dataDir, rt.io.cwd);
  const previous = await readServeState(statePath);
  if (previous && previous.pid !== process.pid && pidAlive(previous.pid) && (await probeHealth(previous.url, 1000)).ok) {
    throw new LnmtError('LNMT_ERR_CONFLICT', `a server is already running on this data directory (pid ${previous.pid}, ${previous.url})`, {
      details: [{ where: 'dataDir', value: config.dataDir, message: 'in use by another lnmt serve', allowed: 'a different --data-dir, or stop the other server first' }],
    });
  }
  if (previous) rt.warn(`replacing a stale ${statePath} (pid ${previous.pid} is not serving)`);

  const logger = await rt.logger(loaded, { daemon: true });
  const stopSignal = rt.stopSignal(logger);
  const { createContext } = await import('../../app/context.js');
  const { startServer } = await import('../../api/server.js');
  const ctx = await createContext(config, { logger, persistEvents: true });
  let server: RunningServer;
  try {
    server = await startServer(ctx);
  } catch (err) {
    await ctx.close().catch(() => {});
    throw new LnmtError('LNMT_ERR_INTERNAL', `cannot start the API server on ${config.api.host}:${config.api.port}`, { cause: err });
  }

  try {
    await ctx.startBackground();
  } catch (err) {
    await server.close().catch(() => {});
    await ctx.close().catch(() => {});
    throw new LnmtError('LNMT_ERR_INTERNAL', 'cannot start the background services (monitor, scheduler, notifications)', { cause: err });
  }
  await mkdir(resolve(rt.io.cwd, config.dataDir), { recursive: true });
  await writeServeState(statePath, { pid: process.pid, url: server.url, started_at: new Date().toISOString(), version: rt.version });
  logger.info({ url: server.url, dataDir: resolve(rt.io.cwd, config.dataDir), store: ctx.store.location, config: loaded.file }, 'lnmt serve started');
  rt.print(`lnmt ${rt.version} listening on ${server.url} (store: ${ctx.store.location}); stop with Ctrl-C or SIGTERM`);

  const signal = await stopSignal;
  logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests, flushing writes');
  const watchdog = setTimeout(() => {
    logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long: exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  watchdog.unref();
  try {
    await server.close();
    await ctx.close();
  } finally {
    await removeServeState(statePath, process.pid);
    clearTimeout(watchdog);
  }
  logger.info('lnmt serve stopped');
  await new Promise<void>((done) => logger.flush(() => done()));
}
