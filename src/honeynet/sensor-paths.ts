import { isAbsolute, resolve } from 'node:path';
import type { LnmtConfig } from '../core/config/schema.js';

/** A `honeynet.*` path setting: absolute as given, else relative to the data dir. */
export function sensorPath(config: LnmtConfig, p: string, cwd = process.cwd()): string {
  return isAbsolute(p) ? p : resolve(cwd, config.dataDir, p);
}

/** `honeynet.quarantine.dir`, resolved. */
export function quarantineDir(config: LnmtConfig, cwd = process.cwd()): string {
  return sensorPath(config, config.honeynet.quarantine.dir, cwd);
}
