import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { LnmtError } from '../../core/errors.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** `lnmt sensor`: the honeypot services alone (no API, checks or scheduler), until SIGINT/SIGTERM. */
export const sensorCommands: CommandGroup = {
  name: 'sensor',
  register(program, rt) {
    program
      .command('sensor')
      .description('run only the HoneyNet sensor (honeypot services from honeynet.services.*) until SIGINT/SIGTERM')
      .action(async (_opts, cmd) => sensor(rt, cmd as unknown as CommandUnknownOpts));
  },
};

async function sensor(rt: CliRuntime, cmd: CommandUnknownOpts): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  const { config } = loaded;
  if (!config.honeynet.enabled) {
    throw new LnmtError('LNMT_ERR_CONFIG', 'the sensor is disabled', { details: [{ where: 'honeynet.enabled', value: false, message: 'disabled', allowed: 'true to run honeypot services' }] });
  }
  const logger = await rt.logger(loaded, { daemon: true });
  const stopSignal = rt.stopSignal(logger);
  const { createContext } = await import('../../app/context.js');
  const ctx = await createContext(config, { logger, persistEvents: true });
  try {
    await ctx.sensor.start();
  } catch (err) {
    await ctx.close().catch(() => {});
    throw new LnmtError('LNMT_ERR_INTERNAL', 'cannot start the sensor', { cause: err });
  }
  const addrs = ctx.sensor.addresses;
  if (addrs.length === 0) {
    await ctx.sensor.stop();
    await ctx.close();
    throw new LnmtError('LNMT_ERR_CONFIG', 'no honeypot service is listening (all disabled, or their ports are busy: see the log)', { details: [{ where: 'honeynet.services', message: 'nothing listening', allowed: 'at least one enabled service on a free port' }] });
  }
  rt.print(`lnmt ${rt.version} sensor: ${addrs.map((a) => `${a.service} on ${a.address}:${a.port}`).join(', ')}; stop with Ctrl-C or SIGTERM`);
  const signal = await stopSignal;
  logger.info({ signal }, 'sensor stopping');
  await ctx.sensor.stop();
  await ctx.close();
}
