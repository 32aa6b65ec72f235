import type { ShellCommand } from '../command.js';
import { DAYS, isoSecond } from '../system/time-format.js';

const UNITS: Record<string, { description: string; comm: string }> = {
  ssh: { description: 'OpenBSD Secure Shell server', comm: 'sshd' },
  cron: { description: 'Regular background program processing daemon', comm: 'cron' },
  rsyslog: { description: 'System Logging Service', comm: 'rsyslogd' },
  'systemd-journald': { description: 'Journal Service', comm: 'systemd-journal' },
  'systemd-logind': { description: 'User Login Management', comm: 'systemd-logind' },
  dbus: { description: 'D-Bus System Message Bus', comm: 'dbus-daemon' },
  'systemd-timesyncd': { description: 'Network Time Synchronization', comm: 'systemd-timesyn' },
};

/** `systemctl status|start|stop|restart|enable|disable|is-active|list-units [UNIT]` for the persona's services. */
export const systemctl = {
  name: 'systemctl',
  aliases: ['service'],
  paths: ['/usr/bin/systemctl', '/usr/sbin/service'],
  run(args, io, ctx) {
    const words = args.filter((a) => !a.startsWith('-'));
    let [verb, unitArg] = words;
    if (ctx.invokedAs.endsWith('service')) [unitArg, verb] = words;
    verb ??= 'list-units';
    const unit = (unitArg ?? '').replace(/\.service$/, '').replace(/^sshd$/, 'ssh');
    const known = UNITS[unit];
    const root = ctx.state.user.uid === 0;
    if (verb === 'list-units' || verb === 'list-unit-files') {
      const rows = Object.entries(UNITS).map(([u, d]) => `  ${`${u}.service`.padEnd(28)} loaded active running ${d.description}\n`);
      io.out(`  UNIT                         LOAD   ACTIVE SUB     DESCRIPTION\n${rows.join('')}\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n${rows.length} loaded units listed.\n`);
      return 0;
    }
    if (!unitArg) {
      io.err(`Too few arguments.\n`);
      return 1;
    }
    if (!known) {
      io.err(verb === 'status' ? `Unit ${unitArg}${unitArg.includes('.') ? '' : '.service'} could not be found.\n` : `Failed to ${verb} ${unitArg}${unitArg.includes('.') ? '' : '.service'}: Unit ${unitArg}${unitArg.includes('.') ? '' : '.service'} not found.\n`);
      return verb === 'status' ? 4 : 5;
    }
    if (verb === 'is-active') {
      io.out('active\n');
      return 0;
    }
    if (verb === 'is-enabled') {
      io.out('enabled\n');
      return 0;
    }
    if (verb === 'status') {
      const proc = ctx.processes().find((p) => p.comm === known.comm);
      const since = proc?.startMs ?? ctx.persona.bootTime;
      const d = new Date(since);
      const ago = Math.floor((ctx.now() - since) / 86_400_000);
      io.out(`● ${unit}.service - ${known.description}\n     Loaded: loaded (/lib/systemd/system/${unit}.service; enabled; preset: enabled)\n     Active: active (running) since ${DAYS[d.getUTCDay()]} ${isoSecond(since)} UTC; ${ago} days ago\n   Main PID: ${proc?.pid ?? 1} (${known.comm})\n      Tasks: 1 (limit: ${Math.round(ctx.machine.memory.totalKb / 256)})\n     Memory: ${((proc?.rssKb ?? 4096) / 1024).toFixed(1)}M\n        CPU: ${((proc?.cpuSec ?? 1) * 1000).toFixed(0)}ms\n     CGroup: /system.slice/${unit}.service\n             └─${proc?.pid ?? 1} "${proc?.args ?? known.comm}"\n`);
      return 0;
    }
    if (!root) {
      io.err(`Failed to ${verb} ${unit}.service: Interactive authentication required.\nSee system logs and 'systemctl status ${unit}.service' for details.\n`);
      return 1;
    }
    if (['start', 'stop', 'restart', 'reload', 'enable', 'disable', 'mask', 'unmask'].includes(verb)) {
      if (verb === 'enable') io.err(`Synchronizing state of ${unit}.service with SysV service script with /lib/systemd/systemd-sysv-install.\nExecuting: /lib/systemd/systemd-sysv-install enable ${unit}\n`);
      return 0;
    }
    io.err(`Unknown command verb ${verb}.\n`);
    return 1;
  },
} satisfies ShellCommand;
