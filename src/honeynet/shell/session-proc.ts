import { procStatusText, processDir } from './fs/base/proc-files.js';
import type { FsNode } from './fs/fs-node.js';
import type { SessionFs } from './fs/session-fs.js';
import { groupIdsOf } from './system/accounts.js';
import { loadAverages } from './system/load.js';
import type { LoginInfo } from './system/login.js';
import type { Machine } from './system/machine.js';
import { mountTable, procMountsText } from './system/mounts.js';
import { sessionProcesses, systemProcesses } from './system/processes.js';

/**
 * The session's own /proc entries: `/proc/self` (the login shell), the login chain's `/proc/<pid>`,
 * `/proc/loadavg` (whose last-PID field follows the session's PIDs) and `/proc/self/mounts`.
 */
export function injectSessionProc(fs: SessionFs, machine: Machine, login: LoginInfo, lastPid: () => number): void {
  const { persona } = machine;
  const cores = persona.hardware.cores;
  const system = systemProcesses(persona, login.loginAt);
  const chain = sessionProcesses(system, login);
  const mounts = procMountsText(mountTable(machine.memory, machine.disk, login.account.uid));
  for (const p of chain) {
    const groups = p.uid === login.account.uid ? groupIdsOf(login.account, machine.groups) : [0];
    const extra: Record<string, FsNode> = {
      mounts: { kind: 'file', mode: 0o444, uid: p.uid, gid: groups[0]!, mtime: p.startMs, content: mounts, size: 0 },
    };
    if (p.pid === login.shellPid) {
      extra.status = {
        kind: 'file',
        mode: 0o444,
        uid: p.uid,
        gid: groups[0]!,
        mtime: p.startMs,
        size: 0,
        content: procStatusText(p, cores, groups),
      };
      extra.cwd = { kind: 'link', mode: 0o777, uid: p.uid, gid: groups[0]!, mtime: p.startMs, target: login.account.home };
      extra.exe = { kind: 'link', mode: 0o777, uid: p.uid, gid: groups[0]!, mtime: p.startMs, target: '/usr/bin/bash' };
    }
    fs.inject(`/proc/${p.pid}`, processDir(p, cores, groups, extra));
  }
  fs.inject('/proc/self', { kind: 'link', mode: 0o777, uid: 0, gid: 0, mtime: persona.bootTime, target: String(login.shellPid) });
  fs.inject('/proc/thread-self', { kind: 'link', mode: 0o777, uid: 0, gid: 0, mtime: persona.bootTime, target: `${login.shellPid}/task/${login.shellPid}` });
  const total = system.length + chain.length;
  fs.inject('/proc/loadavg', {
    kind: 'file',
    mode: 0o444,
    uid: 0,
    gid: 0,
    mtime: persona.bootTime,
    size: 0,
    content: (v) => {
      const [a, b, c] = loadAverages(machine.seed, v.now);
      return `${a.toFixed(2)} ${b.toFixed(2)} ${c.toFixed(2)} 1/${total + 1} ${lastPid()}\n`;
    },
  });
}
