import type { Machine } from '../../system/machine.js';
import { meminfoText } from '../../system/memory.js';
import { systemProcesses, type ProcessInfo } from '../../system/processes.js';
import { SeededRandom } from '../../system/seeded-random.js';
import type { DirNode, FsNode } from '../fs-node.js';
import type { TreeBuilder } from '../tree-builder.js';
import { cpuinfoText } from './cpuinfo.js';
import { procCmdlineText, procVersionText } from './kernel-text.js';

/** `/proc/uptime`: seconds since boot and idle seconds summed over the cores. */
export function procUptimeText(m: Machine, now: number): string {
  const up = Math.max(0, (now - m.persona.bootTime) / 1000);
  return `${up.toFixed(2)} ${(up * m.persona.hardware.cores * 0.985).toFixed(2)}\n`;
}

/** `/proc/<pid>/status` of a process. */
export function procStatusText(p: ProcessInfo, cores: number, groups: number[]): string {
  const kernelThread = p.vszKb === 0;
  const state = p.stat.startsWith('R') ? 'R (running)' : p.stat.startsWith('I') ? 'I (idle)' : 'S (sleeping)';
  const lines = [
    `Name:\t${p.comm}`,
    `Umask:\t${kernelThread ? '0000' : '0022'}`,
    `State:\t${state}`,
    `Tgid:\t${p.pid}`,
    'Ngid:\t0',
    `Pid:\t${p.pid}`,
    `PPid:\t${p.ppid}`,
    'TracerPid:\t0',
    `Uid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}`,
    `Gid:\t${groups[0] ?? p.uid}\t${groups[0] ?? p.uid}\t${groups[0] ?? p.uid}\t${groups[0] ?? p.uid}`,
    `FDSize:\t${kernelThread ? 64 : 256}`,
    `Groups:\t${groups.slice(kernelThread ? 1 : 0).join(' ')} `,
    `NSpid:\t${p.pid}`,
    `NSpgid:\t${p.pid}`,
    `NSsid:\t${p.pid}`,
  ];
  if (!kernelThread) {
    const kb = (n: number): string => `${String(n).padStart(8)} kB`;
    lines.push(
      `VmPeak:\t${kb(p.vszKb + 64)}`,
      `VmSize:\t${kb(p.vszKb)}`,
      `VmLck:\t${kb(0)}`,
      `VmPin:\t${kb(0)}`,
      `VmHWM:\t${kb(p.rssKb)}`,
      `VmRSS:\t${kb(p.rssKb)}`,
      `RssAnon:\t${kb(Math.round(p.rssKb * 0.2))}`,
      `RssFile:\t${kb(p.rssKb - Math.round(p.rssKb * 0.2))}`,
      `RssShmem:\t${kb(0)}`,
      `VmData:\t${kb(Math.round(p.vszKb * 0.1))}`,
      `VmStk:\t${kb(132)}`,
      `VmExe:\t${kb(Math.round(p.vszKb * 0.12))}`,
      `VmLib:\t${kb(Math.round(p.vszKb * 0.3))}`,
      `VmPTE:\t${kb(52)}`,
      `VmSwap:\t${kb(0)}`,
      `HugetlbPages:\t${kb(0)}`,
    );
  }
  const caps = p.uid === 0 ? '000001ffffffffff' : '0000000000000000';
  lines.push(
    'CoreDumping:\t0',
    'THP_enabled:\t1',
    'Threads:\t1',
    'SigQ:\t0/15388',
    'SigPnd:\t0000000000000000',
    'ShdPnd:\t0000000000000000',
    'SigBlk:\t0000000000010000',
    'SigIgn:\t0000000000380004',
    'SigCgt:\t000000004b817efb',
    'CapInh:\t0000000000000000',
    `CapPrm:\t${caps}`,
    `CapEff:\t${caps}`,
    'CapBnd:\t000001ffffffffff',
    'CapAmb:\t0000000000000000',
    'NoNewPrivs:\t0',
    'Seccomp:\t0',
    'Seccomp_filters:\t0',
    'Speculation_Store_Bypass:\tthread vulnerable',
    'SpeculationIndirectBranch:\tconditional enabled',
    `Cpus_allowed:\t${((1 << Math.min(cores, 31)) - 1).toString(16)}`,
    `Cpus_allowed_list:\t0-${cores - 1}`,
    'Mems_allowed:\t00000000,00000001',
    'Mems_allowed_list:\t0',
    'voluntary_ctxt_switches:\t41',
    'nonvoluntary_ctxt_switches:\t2',
    '',
  );
  return lines.join('\n');
}

/** A `/proc/<pid>` directory for one process. */
export function processDir(p: ProcessInfo, cores: number, groups: number[], extra: Record<string, FsNode> = {}): DirNode {
  const meta = { uid: p.uid, gid: groups[0] ?? p.uid, mtime: p.startMs };
  const file = (content: string | ((v: { now: number }) => string), mode = 0o444): FsNode => ({
    kind: 'file',
    mode,
    ...meta,
    content,
    size: 0,
  });
  const children = new Map<string, FsNode>([
    ['cmdline', file(p.vszKb === 0 ? '' : `${p.args.replace(/ /g, '\0')}\0`)],
    ['comm', file(`${p.comm}\n`)],
    ['status', file(procStatusText(p, cores, groups))],
    ['cwd', { kind: 'link', mode: 0o777, ...meta, target: '/' }],
    ['exe', { kind: 'link', mode: 0o777, ...meta, target: p.vszKb === 0 ? '' : p.args.split(' ')[0]! }],
    ['environ', file('', 0o400)],
    ['fd', { kind: 'dir', mode: 0o500, ...meta, children: new Map() }],
  ]);
  for (const [name, node] of Object.entries(extra)) children.set(name, node);
  return { kind: 'dir', mode: 0o555, ...meta, children };
}

/** /proc as the persona's kernel shows it; the session adds `self`, its own processes and `loadavg`. */
export function addProc(b: TreeBuilder, m: Machine): void {
  const p = m.persona;
  const boot = { mtime: p.bootTime };
  const rnd = new SeededRandom(`${m.seed}:proc`);
  const rootUuid = `${rnd.hex(8)}-${rnd.hex(4)}-${rnd.hex(4)}-${rnd.hex(4)}-${rnd.hex(12)}`;
  const procFile = (path: string, content: string | ((v: { now: number }) => string)): void => {
    b.file(path, content, { mode: 0o444, size: 0, ...boot });
  };
  b.dir('/proc', { mode: 0o555, ...boot });
  procFile('/proc/cpuinfo', cpuinfoText(p));
  procFile('/proc/meminfo', meminfoText(m.memory));
  procFile('/proc/uptime', (v) => procUptimeText(m, v.now));
  procFile('/proc/version', procVersionText(p));
  procFile('/proc/cmdline', procCmdlineText(p, rootUuid));
  procFile('/proc/filesystems', 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tbdev\nnodev\tproc\nnodev\tcgroup\nnodev\tcgroup2\nnodev\tcpuset\nnodev\tdevtmpfs\nnodev\tdebugfs\nnodev\ttracefs\nnodev\tsecurityfs\nnodev\tsockfs\nnodev\tbpf\nnodev\tpipefs\nnodev\tramfs\nnodev\thugetlbfs\nnodev\tdevpts\n\text3\n\text2\n\text4\nnodev\tautofs\nnodev\tmqueue\nnodev\tpstore\n\tvfat\n');
  procFile('/proc/swaps', m.memory.swapTotalKb > 0
    ? `Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile                               file\t\t${m.memory.swapTotalKb}\t\t0\t\t-2\n`
    : 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
  procFile('/proc/sys/kernel/hostname', `${p.hostname}\n`);
  procFile('/proc/sys/kernel/osrelease', `${p.kernel.release}\n`);
  procFile('/proc/sys/kernel/ostype', 'Linux\n');
  procFile('/proc/sys/kernel/version', `${p.kernel.version}\n`);
  procFile('/proc/sys/kernel/pid_max', '4194304\n');
  procFile('/proc/sys/kernel/random/boot_id', `${rnd.hex(8)}-${rnd.hex(4)}-${rnd.hex(4)}-${rnd.hex(4)}-${rnd.hex(12)}\n`);
  procFile('/proc/sys/net/ipv4/ip_forward', '0\n');
  b.link('/proc/mounts', 'self/mounts', boot);
  const groupsOf = (uid: number): number[] => {
    const account = m.accounts.find((a) => a.uid === uid);
    return [account?.gid ?? uid];
  };
  for (const proc of systemProcesses(p, p.bootTime)) {
    b.put(`/proc/${proc.pid}`, processDir(proc, p.hardware.cores, groupsOf(proc.uid)));
  }
}
