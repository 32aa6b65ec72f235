import type { CommandContext } from '../../command.js';
import { loadAverages, loadText } from '../../system/load.js';
import { clockTime, upText } from '../../system/time-format.js';

/** ` 12:34:56 up 12 days,  3:04,  1 user,  load average: 0.00, 0.01, 0.05` (uptime, w, top). */
export function uptimeLine(ctx: CommandContext, now: number): string {
  const up = Math.max(0, Math.floor((now - ctx.persona.bootTime) / 1000));
  const load = loadText(loadAverages(ctx.machine.seed, now));
  return ` ${clockTime(now)} up ${upText(up)},  1 user,  load average: ${load}`;
}
