import type { ShellCommand } from '../command.js';
import { buffCacheKb, usedKb } from '../system/memory.js';
import { psUser } from '../system/processes.js';
import { uptimeLine } from './lib/uptime-line.js';

/** `top -bn1` (and plain `top`, which shows one screen): the same processes and memory as `ps` and `free`. */
export const top = {
  name: 'top',
  paths: ['/usr/bin/top'],
  run(args, io, ctx) {
    const now = ctx.now();
    const procs = ctx.processes();
    const m = ctx.machine.memory;
    const mib = (kb: number): string => (kb / 1024).toFixed(1);
    const running = procs.filter((p) => p.stat.startsWith('R')).length;
    const sleeping = procs.length - running;
    let out = `top - ${uptimeLine(ctx, now).trimStart()}\n`;
    out += `Tasks: ${String(procs.length).padStart(3)} total, ${String(running).padStart(3)} running, ${String(sleeping).padStart(3)} sleeping,   0 stopped,   0 zombie\n`;
    out += '%Cpu(s):  0.0 us,  3.1 sy,  0.0 ni, 96.9 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st \n';
    out += `MiB Mem : ${mib(m.totalKb).padStart(8)} total, ${mib(m.freeKb).padStart(8)} free, ${mib(usedKb(m)).padStart(8)} used, ${mib(buffCacheKb(m)).padStart(8)} buff/cache     \n`;
    out += `MiB Swap: ${mib(m.swapTotalKb).padStart(8)} total, ${mib(m.swapFreeKb).padStart(8)} free, ${mib(m.swapTotalKb - m.swapFreeKb).padStart(8)} used. ${mib(m.availableKb).padStart(8)} avail Mem \n`;
    out += '\n    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n';
    const sorted = [...procs].sort((a, b) => (b.stat.startsWith('R') ? 1 : 0) - (a.stat.startsWith('R') ? 1 : 0) || a.pid - b.pid);
    const rows = args.some((a) => a.includes('b')) ? sorted : sorted.slice(0, 20);
    for (const p of rows) {
      const kernel = p.vszKb === 0;
      const time = `${Math.floor(p.cpuSec / 60)}:${(p.cpuSec % 60).toFixed(2).padStart(5, '0')}`;
      out += `${String(p.pid).padStart(7)} ${psUser(p.user).padEnd(8)}  ${kernel && p.stat.includes('<') ? '  0' : ' 20'} ${kernel && p.stat.includes('<') ? '-20' : '  0'} ${String(p.vszKb).padStart(7)} ${String(p.rssKb).padStart(6)} ${String(Math.round(p.rssKb * 0.7)).padStart(6)} ${p.stat[0] === 'I' ? 'I' : p.stat[0]} ${(p.stat.startsWith('R') ? '6.2' : '0.0').padStart(5)} ${((p.rssKb / m.totalKb) * 100).toFixed(1).padStart(5)} ${time.padStart(9)} ${p.comm}\n`;
    }
    io.out(out);
    return 0;
  },
} satisfies ShellCommand;
