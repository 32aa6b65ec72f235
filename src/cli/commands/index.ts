import type { CommandGroup } from '../runtime.js';
import { checksCommands } from './checks.js';
import { blocklistCommands } from './blocklist.js';
import { configCommands } from './config.js';
import { decisionsCommands } from './decisions.js';
import { devicesCommands } from './devices.js';
import { honeypotCommands } from './honeypot.js';
import { jobsCommands } from './jobs.js';
import { notifyCommands } from './notify.js';
import { scanCommands } from './scan.js';
import { sensorCommands } from './sensor.js';
import { serveCommands } from './serve.js';
import { statusCommands } from './status.js';
import { threatsCommands } from './threats.js';
import { tokenCommands } from './token.js';
import { uptimeCommands } from './uptime.js';

/**
 * The registry of command groups, in help order. A new group is one file under `commands/` exporting a
 * `CommandGroup`, added here. Group modules import only types and light helpers at top level; everything
 * heavy is loaded inside the actions.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [scanCommands, devicesCommands, checksCommands, uptimeCommands, jobsCommands, notifyCommands, honeypotCommands, threatsCommands, decisionsCommands, blocklistCommands, statusCommands, serveCommands, sensorCommands, tokenCommands, configCommands];
