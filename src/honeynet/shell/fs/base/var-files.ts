import type { Machine } from '../../system/machine.js';
import { SeededRandom } from '../../system/seeded-random.js';
import { MONTHS } from '../../system/time-format.js';
import type { TreeBuilder } from '../tree-builder.js';

const DAY = 86_400_000;

function syslogStamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function authLog(m: Machine, rnd: SeededRandom): string {
  const host = m.persona.hostname;
  const admin = m.persona.users[0]?.name ?? 'root';
  const lines: string[] = [];
  let t = m.persona.bootTime - 2 * DAY;
  for (let i = 0; i < 12; i++) {
    t += rnd.int(600, 14_400) * 1000;
    const pid = rnd.int(1_000, 60_000);
    const from = `${rnd.int(11, 223)}.${rnd.int(0, 255)}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`;
    if (i % 4 === 0) {
      lines.push(`${syslogStamp(t)} ${host} sshd[${pid}]: Accepted publickey for ${admin} from ${m.net.gateway} port ${rnd.int(40_000, 65_000)} ssh2: ED25519 SHA256:${rnd.cryptChars(43).replace(/[./]/g, 'q')}`);
      lines.push(`${syslogStamp(t)} ${host} sshd[${pid}]: pam_unix(sshd:session): session opened for user ${admin}(uid=${m.persona.users[0]?.uid ?? 0}) by (uid=0)`);
    } else {
      lines.push(`${syslogStamp(t)} ${host} sshd[${pid}]: Invalid user ${rnd.pick(['admin', 'test', 'oracle', 'ubuntu', 'user'])} from ${from} port ${rnd.int(30_000, 65_000)}`);
      lines.push(`${syslogStamp(t + 2000)} ${host} sshd[${pid}]: Connection closed by invalid user ${from} port ${rnd.int(30_000, 65_000)} [preauth]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** /var: logs, spool and state directories of an installed system. */
export function addVar(b: TreeBuilder, m: Machine): void {
  const rnd = new SeededRandom(`${m.seed}:var`);
  const t = m.installTime;
  const boot = m.persona.bootTime;
  const adm = m.groups.find((g) => g.name === 'adm')?.gid ?? 4;
  const utmp = m.groups.find((g) => g.name === 'utmp')?.gid ?? 43;
  b.dir('/var/log', { mode: 0o755, gid: 0, mtime: boot });
  b.file('/var/log/auth.log', authLog(m, rnd), { mode: 0o640, gid: adm, mtime: boot - 3_600_000 });
  b.file('/var/log/syslog', '', { mode: 0o640, gid: adm, mtime: boot + 60_000, size: rnd.int(80_000, 900_000) });
  b.file('/var/log/kern.log', '', { mode: 0o640, gid: adm, mtime: boot + 5_000, size: rnd.int(20_000, 90_000) });
  b.file('/var/log/dpkg.log', '', { mtime: boot - rnd.int(1, 9) * DAY, size: rnd.int(30_000, 300_000) });
  b.file('/var/log/alternatives.log', '', { mtime: t, size: rnd.int(2_000, 9_000) });
  b.file('/var/log/lastlog', '', { mode: 0o664, gid: utmp, mtime: boot, size: 292_292 });
  b.file('/var/log/wtmp', '', { mode: 0o664, gid: utmp, mtime: boot, size: rnd.int(20, 90) * 384 });
  b.file('/var/log/btmp', '', { mode: 0o660, gid: utmp, mtime: boot, size: rnd.int(100, 4_000) * 384 });
  b.file('/var/log/faillog', '', { mode: 0o644, mtime: t, size: 32_032 });
  b.dir('/var/log/apt', { mtime: boot - DAY });
  b.file('/var/log/apt/history.log', '', { mtime: boot - DAY, size: rnd.int(5_000, 60_000) });
  b.file('/var/log/apt/term.log', '', { mode: 0o640, gid: adm, mtime: boot - DAY, size: rnd.int(20_000, 200_000) });
  b.dir('/var/log/journal', { mode: 0o2755, gid: 0, mtime: t });
  b.dir(`/var/log/journal/${m.persona.machineId}`, { mode: 0o2755, mtime: boot });
  b.dir('/var/log/private', { mode: 0o700, mtime: t });
  b.dir('/var/tmp', { mode: 0o1777, mtime: boot });
  b.dir('/var/cache/apt/archives/partial', { mode: 0o700 });
  b.dir('/var/lib/apt/lists');
  b.dir('/var/lib/dpkg/info');
  b.dir('/var/lib/systemd');
  b.dir('/var/spool/cron/crontabs', { mode: 0o1730, gid: m.groups.find((g) => g.name === 'crontab')?.gid ?? 0 });
  b.dir('/var/mail', { mode: 0o2775, gid: 8 });
  b.dir('/var/www', { mtime: t });
  b.dir('/var/backups', { mtime: boot });
  b.dir('/var/opt');
  b.dir('/var/local', { mode: 0o2775, gid: 50 });
  b.link('/var/run', '/run');
  b.link('/var/lock', '/run/lock');
}

/** /dev, /run, /tmp and the other top-level directories. */
export function addSystemDirs(b: TreeBuilder, m: Machine): void {
  const boot = m.persona.bootTime;
  const tty = m.groups.find((g) => g.name === 'tty')?.gid ?? 5;
  b.dir('/dev', { mtime: boot });
  b.device('/dev/null', 'null', 1, 3, { mtime: boot });
  b.device('/dev/zero', 'zero', 1, 5, { mtime: boot });
  b.device('/dev/random', 'urandom', 1, 8, { mtime: boot });
  b.device('/dev/urandom', 'urandom', 1, 9, { mtime: boot });
  b.device('/dev/tty', 'tty', 5, 0, { gid: tty, mtime: boot });
  b.device('/dev/console', 'tty', 5, 1, { mode: 0o600, mtime: boot });
  b.device('/dev/ptmx', 'tty', 5, 2, { gid: tty, mtime: boot });
  b.dir('/dev/pts', { mtime: boot });
  b.dir('/dev/shm', { mode: 0o1777, mtime: boot });
  b.dir('/dev/mqueue', { mode: 0o1777, mtime: boot });
  b.link('/dev/fd', '/proc/self/fd', { mtime: boot });
  b.link('/dev/stdin', '/proc/self/fd/0', { mtime: boot });
  b.link('/dev/stdout', '/proc/self/fd/1', { mtime: boot });
  b.link('/dev/stderr', '/proc/self/fd/2', { mtime: boot });
  b.dir('/run', { mtime: boot + 60_000 });
  b.dir('/run/lock', { mode: 0o1777, mtime: boot });
  b.dir('/run/sshd', { mode: 0o755, mtime: boot });
  b.dir('/run/user', { mtime: boot });
  b.file('/run/sshd.pid', '', { mtime: boot, size: 4 });
  b.file('/run/crond.pid', '', { mtime: boot, size: 4 });
  b.dir('/tmp', { mode: 0o1777, mtime: boot + 120_000 });
  b.dir('/sys', { mode: 0o555, mtime: boot });
  b.dir('/sys/class/net', { mtime: boot });
  b.dir('/sys/kernel', { mtime: boot });
  b.dir('/boot/efi', { mode: 0o700, mtime: m.installTime });
  b.dir('/boot/grub', { mtime: m.installTime });
  const k = m.persona.kernel.release;
  b.file(`/boot/vmlinuz-${k}`, '', { mode: 0o644, size: 8_000_000 + (boot % 900_000), mtime: m.installTime });
  b.file(`/boot/initrd.img-${k}`, '', { mode: 0o644, size: 33_000_000 + (boot % 9_000_000), mtime: boot - 86_400_000 });
  b.file(`/boot/config-${k}`, '', { size: 270_000 + (boot % 9_000), mtime: m.installTime });
  b.file(`/boot/System.map-${k}`, '', { size: 83_000 + (boot % 900), mtime: m.installTime });
  b.link('/vmlinuz', `boot/vmlinuz-${k}`);
  b.link('/initrd.img', `boot/initrd.img-${k}`);
  b.dir('/media');
  b.dir('/mnt');
  b.dir('/opt');
  b.dir('/srv');
  b.dir('/lost+found', { mode: 0o700 });
  b.dir('/usr/local/bin');
  b.dir('/usr/local/sbin');
  b.dir('/usr/local/lib');
  b.dir('/usr/local/share');
  b.dir('/usr/share/doc');
  b.dir('/usr/games');
  b.dir('/usr/include');
  b.dir('/usr/src');
  b.dir('/usr/lib/x86_64-linux-gnu');
  b.dir('/usr/lib64');
  b.dir('/usr/libexec');
  b.dir('/usr/lib/openssh');
  b.file('/usr/lib/openssh/sftp-server', '\x7fELF\x02\x01\x01', { mode: 0o755, size: 153_648 });
  b.dir('/usr/lib/systemd/system');
  b.file('/usr/lib/systemd/system/ssh.service', '[Unit]\nDescription=OpenBSD Secure Shell server\nDocumentation=man:sshd(8) man:sshd_config(5)\nAfter=network.target auditd.service\nConditionPathExists=!/etc/ssh/sshd_not_to_be_run\n\n[Service]\nEnvironmentFile=-/etc/default/ssh\nExecStartPre=/usr/sbin/sshd -t\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nExecReload=/usr/sbin/sshd -t\nExecReload=/bin/kill -HUP $MAINPID\nKillMode=process\nRestart=on-failure\nRestartPreventExitStatus=255\nType=notify\nRuntimeDirectory=sshd\nRuntimeDirectoryMode=0755\n\n[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n');
  b.file('/usr/lib/systemd/system/cron.service', '[Unit]\nDescription=Regular background program processing daemon\nDocumentation=man:cron(8)\nAfter=remote-fs.target nss-user-lookup.target\n\n[Service]\nEnvironmentFile=-/etc/default/cron\nExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS\nIgnoreSIGPIPE=false\nKillMode=process\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n');
  b.file('/usr/lib/systemd/system/rsyslog.service', '[Unit]\nDescription=System Logging Service\nRequires=syslog.socket\nDocumentation=man:rsyslogd(8)\n\n[Service]\nType=notify\nExecStart=/usr/sbin/rsyslogd -n -iNONE\nStandardOutput=null\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\nAlias=syslog.service\n');
}
