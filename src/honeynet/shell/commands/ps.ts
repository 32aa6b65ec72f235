import type { ShellCommand } from '../command.js';
import { bsdTime, psTime, psUser, type ProcessInfo } from '../system/processes.js';
import { psStart } from '../system/time-format.js';

/** Share of one CPU a process used since it started, as `ps` computes %CPU. */
function cpuPercent(p: ProcessInfo, now: number): string {
  const elapsed = Math.max(1, (now - p.startMs) / 1000);
  return ((p.cpuSec / elapsed) * 100).toFixed(1);
}

/** `ps` in its common forms: none, `aux`/`-aux`, `-ef`/`-eF`, `-e`/`-A`, `x`, `-u USER`, `-p PID`, `f` ignored. */
export const ps = {
  name: 'ps',
  paths: ['/usr/bin/ps'],
  run(args, io, ctx) {
    const now = ctx.now();
    const all = ctx.processes();
    const totalKb = ctx.machine.memory.totalKb;
    let bsd = false;
    let everyone = false;
    let full = false;
    let withUser = false;
    let withoutTty = false;
    let pids: number[] | undefined;
    let users: string[] | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-p' || a === '--pid') pids = (args[++i] ?? '').split(',').map(Number);
      else if (a === '-u' || a === '-U' || a === '--user') users = (args[++i] ?? '').split(',');
      else if (a.startsWith('-')) {
        for (const c of a.slice(1)) {
          if (c === 'e' || c === 'A') everyone = true;
          else if (c === 'f' || c === 'F' || c === 'l') full = true;
          else if (c === 'a' || c === 'x' || c === 'u') {
            bsd = true;
            if (c === 'u') withUser = true;
            if (c === 'x') withoutTty = true;
            if (c === 'a') everyone = everyone || args.length > 0;
          } else if (c !== 'w' && c !== 'H' && c !== 'o' && c !== 'y') {
            io.err(`error: unsupported SysV option\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`);
            return 1;
          }
        }
      } else {
        for (const c of a) {
          if (c === 'a') everyone = true;
          else if (c === 'u') withUser = true;
          else if (c === 'x') withoutTty = true;
          else if (c !== 'w' && c !== 'f' && c !== 'e') {
            io.err(`error: unsupported option (BSD syntax)\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`);
            return 1;
          }
        }
        bsd = true;
      }
    }
    const me = ctx.state.user;
    let procs = all;
    if (pids) procs = all.filter((p) => pids!.includes(p.pid));
    else if (users) procs = all.filter((p) => users!.includes(p.user) || users!.includes(String(p.uid)));
    else if (bsd) {
      if (everyone && withoutTty) procs = all;
      else if (everyone) procs = all.filter((p) => p.tty !== '?');
      else if (withoutTty) procs = all.filter((p) => p.uid === me.uid);
      else procs = all.filter((p) => p.uid === me.uid && p.tty === ctx.login.tty);
    } else if (!everyone) procs = all.filter((p) => p.tty === ctx.login.tty && p.uid === me.uid);
    let out = '';
    if (withUser) {
      out += 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n';
      for (const p of procs) {
        const mem = ((p.rssKb / totalKb) * 100).toFixed(1);
        out += `${psUser(p.user).padEnd(8)} ${String(p.pid).padStart(7)} ${cpuPercent(p, now).padStart(4)} ${mem.padStart(4)} ${String(p.vszKb).padStart(6)} ${String(p.rssKb).padStart(5)} ${p.tty.padEnd(8)} ${p.stat.padEnd(4)} ${psStart(p.startMs, now).padStart(5)} ${bsdTime(p.cpuSec).padStart(6)} ${p.args}\n`;
      }
    } else if (bsd) {
      out += '    PID TTY      STAT   TIME COMMAND\n';
      for (const p of procs) out += `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${p.stat.padEnd(6)} ${bsdTime(p.cpuSec).padStart(4)} ${p.args}\n`;
    } else if (full) {
      out += 'UID          PID    PPID  C STIME TTY          TIME CMD\n';
      for (const p of procs) {
        out += `${psUser(p.user).padEnd(8)} ${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)} ${String(Math.floor(Number(cpuPercent(p, now)))).padStart(2)} ${psStart(p.startMs, now).padStart(5)} ${p.tty.padEnd(8)} ${psTime(p.cpuSec).padStart(8)} ${p.args}\n`;
      }
    } else {
      out += '    PID TTY          TIME CMD\n';
      for (const p of procs) out += `${String(p.pid).padStart(7)} ${p.tty.padEnd(8)} ${psTime(p.cpuSec).padStart(8)} ${p.comm}\n`;
    }
    io.out(out);
    return procs.length > 0 ? 0 : 1;
  },
} satisfies ShellCommand;
