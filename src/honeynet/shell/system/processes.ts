import type { Persona } from '../../persona/persona.js';
import type { LoginInfo } from './login.js';
import { SeededRandom } from './seeded-random.js';

/** One process of the fake machine, with what `ps`, `top` and `/proc/<pid>` show. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  user: string;
  uid: number;
  /** `comm`: the name in `top` and `ps -e` (at most 15 characters). */
  comm: string;
  /** The command line (`ps aux` COMMAND); kernel threads show `[name]`. */
  args: string;
  tty: string;
  stat: string;
  startMs: number;
  vszKb: number;
  rssKb: number;
  /** CPU seconds used. */
  cpuSec: number;
}

interface DaemonSpec {
  user: string;
  uid: number;
  comm: string;
  args: string;
  stat: string;
  vszKb: number;
  rssKb: number;
  tty?: string;
  /** Share of the uptime spent on CPU. */
  cpuShare: number;
}

function kernelThreads(cores: number): string[] {
  const perCpu = (n: number): string[] => [`cpuhp/${n}`, `migration/${n}`, `ksoftirqd/${n}`, `kworker/${n}:0H-events_highpri`];
  const out = ['kthreadd', 'rcu_gp', 'rcu_par_gp', 'slub_flushwq', 'netns', 'kworker/0:0H-events_highpri', 'mm_percpu_wq'];
  out.push('rcu_tasks_kthread', 'rcu_tasks_rude_kthread', 'rcu_tasks_trace_kthread', 'ksoftirqd/0', 'rcu_preempt');
  out.push('migration/0', 'idle_inject/0', 'cpuhp/0');
  for (let n = 1; n < Math.min(cores, 64); n++) out.push(...perCpu(n));
  out.push('kdevtmpfs', 'inet_frag_wq', 'kauditd', 'khungtaskd', 'oom_reaper', 'writeback', 'kcompactd0', 'ksmd');
  out.push('khugepaged', 'kintegrityd', 'kblockd', 'blkcg_punt_bio', 'tpm_dev_wq', 'edac-poller', 'devfreq_wq');
  out.push('kworker/0:1H-kblockd', 'kswapd0', 'kthrotld', 'acpi_thermal_pm', 'mld', 'ipv6_addrconf', 'kstrp');
  out.push('zswap-shrink', 'kworker/u5:0', 'ata_sff', 'scsi_eh_0', 'scsi_tmf_0', 'jbd2/sda1-8', 'ext4-rsv-conver');
  return out;
}

function daemons(persona: Persona): DaemonSpec[] {
  const lib = persona.os.id === 'debian' ? '/lib/systemd' : '/usr/lib/systemd';
  const list: DaemonSpec[] = [
    { user: 'root', uid: 0, comm: 'systemd-journal', args: `${lib}/systemd-journald`, stat: 'Ss', vszKb: 41_256, rssKb: 14_420, cpuShare: 0.0002 },
    { user: 'root', uid: 0, comm: 'systemd-udevd', args: `${lib}/systemd-udevd`, stat: 'Ss', vszKb: 25_844, rssKb: 6_548, cpuShare: 0.0001 },
    { user: 'systemd-timesync', uid: 997, comm: 'systemd-timesyn', args: `${lib}/systemd-timesyncd`, stat: 'Ssl', vszKb: 90_112, rssKb: 6_788, cpuShare: 0.00005 },
  ];
  if (persona.os.id === 'ubuntu') {
    list.push(
      { user: 'systemd-network', uid: 998, comm: 'systemd-network', args: `${lib}/systemd-networkd`, stat: 'Ss', vszKb: 19_032, rssKb: 9_216, cpuShare: 0.00003 },
      { user: 'systemd-resolve', uid: 991, comm: 'systemd-resolve', args: `${lib}/systemd-resolved`, stat: 'Ss', vszKb: 21_452, rssKb: 12_800, cpuShare: 0.00004 },
    );
  }
  list.push(
    { user: 'root', uid: 0, comm: 'cron', args: '/usr/sbin/cron -f', stat: 'Ss', vszKb: 6_612, rssKb: 2_688, cpuShare: 0.00001 },
    {
      user: 'messagebus',
      uid: 100,
      comm: 'dbus-daemon',
      args: '/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only',
      stat: 'Ss',
      vszKb: 9_120,
      rssKb: 5_012,
      cpuShare: 0.00002,
    },
    { user: 'root', uid: 0, comm: 'systemd-logind', args: `${lib}/systemd-logind`, stat: 'Ss', vszKb: 25_376, rssKb: 7_872, cpuShare: 0.00002 },
    { user: 'root', uid: 0, comm: 'rsyslogd', args: '/usr/sbin/rsyslogd -n -iNONE', stat: 'Ssl', vszKb: 222_508, rssKb: 5_504, cpuShare: 0.00003 },
    { user: 'root', uid: 0, comm: 'agetty', args: '/sbin/agetty -o -p -- \\u --noclear - linux', stat: 'Ss+', vszKb: 5_872, rssKb: 1_024, tty: 'tty1', cpuShare: 0 },
    {
      user: 'root',
      uid: 0,
      comm: 'sshd',
      args: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
      stat: 'Ss',
      vszKb: 15_436,
      rssKb: 9_088,
      cpuShare: 0.00004,
    },
  );
  if (persona.os.id === 'ubuntu') {
    list.push({
      user: 'root',
      uid: 0,
      comm: 'unattended-upgr',
      args: '/usr/bin/python3 /usr/share/unattended-upgrades/unattended-upgrade-shutdown --wait-for-signal',
      stat: 'Ssl',
      vszKb: 109_652,
      rssKb: 21_760,
      cpuShare: 0.00001,
    });
  }
  return list;
}

/** The processes that exist whatever the session: kernel threads and daemons, started at boot. */
export function systemProcesses(persona: Persona, now: number): ProcessInfo[] {
  const rnd = new SeededRandom(`${persona.machineId}:processes`);
  const upSec = Math.max(1, (now - persona.bootTime) / 1000);
  const out: ProcessInfo[] = [
    {
      pid: 1,
      ppid: 0,
      user: 'root',
      uid: 0,
      comm: 'systemd',
      args: '/sbin/init',
      tty: '?',
      stat: 'Ss',
      startMs: persona.bootTime,
      vszKb: 167_744,
      rssKb: 12_900 + rnd.int(0, 900),
      cpuSec: upSec * 0.0004,
    },
  ];
  let pid = 2;
  for (const name of kernelThreads(persona.hardware.cores)) {
    const busy = name.startsWith('rcu_preempt') || name.startsWith('ksoftirqd') || name.startsWith('kworker');
    out.push({
      pid,
      ppid: pid === 2 ? 0 : 2,
      user: 'root',
      uid: 0,
      comm: name.slice(0, 15),
      args: `[${name}]`,
      tty: '?',
      stat: name.startsWith('ksoftirqd') || name === 'kthreadd' || name.startsWith('rcu_preempt') ? 'S' : 'I<',
      startMs: persona.bootTime,
      vszKb: 0,
      rssKb: 0,
      cpuSec: busy ? upSec * 0.00005 : 0,
    });
    pid += name.startsWith('jbd2') ? 1 : rnd.int(1, 2);
  }
  pid = Math.max(pid + 120, 180 + rnd.int(0, 60));
  for (const d of daemons(persona)) {
    pid += rnd.int(1, 40);
    out.push({
      pid,
      ppid: 1,
      user: d.user,
      uid: d.uid,
      comm: d.comm,
      args: d.args,
      tty: d.tty ?? '?',
      stat: d.stat,
      startMs: persona.bootTime + rnd.int(1_500, 6_000),
      vszKb: d.vszKb,
      rssKb: d.rssKb + rnd.int(0, 600),
      cpuSec: upSec * d.cpuShare,
    });
  }
  return out;
}

/** PID of the sshd listener (parent of every SSH session). */
export function sshdListenerPid(system: ProcessInfo[]): number {
  return system.find((p) => p.comm === 'sshd')?.pid ?? 1;
}

/** The processes of the attacker's login: sshd (or telnet login) chain, the user manager, the login shell. */
export function sessionProcesses(system: ProcessInfo[], login: LoginInfo): ProcessInfo[] {
  const { account, tty, shellPid } = login;
  const user = account.name;
  const start = login.loginAt;
  const base = shellPid - 12;
  const chain: ProcessInfo[] =
    login.protocol === 'ssh'
      ? [
          { pid: base, ppid: sshdListenerPid(system), user: 'root', uid: 0, comm: 'sshd', args: `sshd: ${user} [priv]`, tty: '?', stat: 'Ss', startMs: start, vszKb: 17_984, rssKb: 11_136, cpuSec: 0.02 },
          { pid: base + 3, ppid: 1, user, uid: account.uid, comm: 'systemd', args: `/lib/systemd/systemd --user`, tty: '?', stat: 'Ss', startMs: start, vszKb: 18_968, rssKb: 10_496, cpuSec: 0.03 },
          { pid: base + 4, ppid: base + 3, user, uid: account.uid, comm: '(sd-pam)', args: '(sd-pam)', tty: '?', stat: 'S', startMs: start, vszKb: 168_776, rssKb: 3_612, cpuSec: 0 },
          { pid: shellPid - 1, ppid: base, user, uid: account.uid, comm: 'sshd', args: `sshd: ${user}@${tty}`, tty: '?', stat: 'S', startMs: start, vszKb: 18_244, rssKb: 6_912, cpuSec: 0.01 },
        ]
      : [
          { pid: base, ppid: 1, user: 'root', uid: 0, comm: 'in.telnetd', args: `in.telnetd: ${login.clientIp}`, tty: '?', stat: 'Ss', startMs: start, vszKb: 2_708, rssKb: 1_664, cpuSec: 0 },
          { pid: shellPid - 1, ppid: base, user: 'root', uid: 0, comm: 'login', args: `/bin/login -h ${login.clientIp} -p`, tty, stat: 'Ss', startMs: start, vszKb: 6_104, rssKb: 3_840, cpuSec: 0 },
        ];
  chain.push({
    pid: shellPid,
    ppid: shellPid - 1,
    user,
    uid: account.uid,
    comm: 'bash',
    args: '-bash',
    tty,
    stat: 'Ss',
    startMs: start,
    vszKb: 7_236,
    rssKb: 4_096,
    cpuSec: 0,
  });
  return chain;
}

/** `ps` user column: names longer than 8 characters are cut to 7 and a `+`. */
export function psUser(name: string): string {
  return name.length > 8 ? `${name.slice(0, 7)}+` : name;
}

/** `ps` TIME as `[dd-]hh:mm:ss`. */
export function psTime(sec: number): string {
  const s = Math.floor(sec);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3_600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3_600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d > 0 ? `${d}-` : ''}${hh}:${mm}:${ss}`;
}

/** BSD-style TIME (`ps aux`): `m:ss`. */
export function bsdTime(sec: number): string {
  const s = Math.floor(sec);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
