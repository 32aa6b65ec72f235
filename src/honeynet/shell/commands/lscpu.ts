import type { ShellCommand } from '../command.js';
import { cpuFacts } from '../fs/base/cpuinfo.js';

/** `lscpu`: the same CPU as /proc/cpuinfo and `nproc`. */
export const lscpu = {
  name: 'lscpu',
  paths: ['/usr/bin/lscpu'],
  run(_args, io, ctx) {
    const p = ctx.persona;
    const f = cpuFacts(p);
    const n = p.hardware.cores;
    const rows: Array<[string, string]> = [
      ['Architecture:', 'x86_64'],
      ['  CPU op-mode(s):', '32-bit, 64-bit'],
      ['  Address sizes:', f.vendor === 'GenuineIntel' ? '46 bits physical, 48 bits virtual' : '48 bits physical, 48 bits virtual'],
      ['  Byte Order:', 'Little Endian'],
      ['CPU(s):', String(n)],
      ['  On-line CPU(s) list:', n === 1 ? '0' : `0-${n - 1}`],
      ['Vendor ID:', f.vendor],
      ['  Model name:', p.hardware.cpuModel],
      ['    CPU family:', String(f.family)],
      ['    Model:', String(f.model)],
      ['    Thread(s) per core:', '1'],
      ['    Core(s) per socket:', String(n)],
      ['    Socket(s):', '1'],
      ['    Stepping:', String(f.stepping)],
      ['    BogoMIPS:', f.bogomips.toFixed(2)],
      ['    Flags:', f.flags],
      ['Virtualization features:', ''],
      ['  Hypervisor vendor:', 'KVM'],
      ['  Virtualization type:', 'full'],
      ['Caches (sum of all):', ''],
      ['  L1d:', `${n * 32} KiB (${n} instance${n === 1 ? '' : 's'})`],
      ['  L1i:', `${n * 32} KiB (${n} instance${n === 1 ? '' : 's'})`],
      ['  L2:', `${n * (f.vendor === 'GenuineIntel' ? 1 : 0.5)} MiB (${n} instance${n === 1 ? '' : 's'})`],
      ['  L3:', `${Math.round(f.cacheKb / 1024)} MiB (1 instance)`],
      ['NUMA:', ''],
      ['  NUMA node(s):', '1'],
      ['  NUMA node0 CPU(s):', n === 1 ? '0' : `0-${n - 1}`],
    ];
    io.out(rows.map(([k, v]) => (v === '' ? `${k}\n` : `${k.padEnd(38)}${v}\n`)).join(''));
    return 0;
  },
} satisfies ShellCommand;
