import type { Machine } from '../../system/machine.js';
import { SeededRandom } from '../../system/seeded-random.js';
import type { TreeBuilder } from '../tree-builder.js';
import { issueName, lsbReleaseText, osReleaseText } from './os-release.js';
import { sshdConfigText } from './sshd-config.js';

const DAY = 86_400_000;

function passwdText(m: Machine): string {
  return m.accounts.map((a) => `${a.name}:x:${a.uid}:${a.gid}:${a.gecos}:${a.home}:${a.shell}\n`).join('');
}

function groupText(m: Machine): string {
  return m.groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`).join('');
}

function shadowText(m: Machine): string {
  const rnd = new SeededRandom(`${m.seed}:shadow`);
  const lastChange = Math.floor(m.installTime / DAY);
  return m.accounts
    .map((a) => {
      const login = a.uid === 0 || a.uid >= 1000;
      const hash = login && a.uid !== 65534 ? `$y$j9T$${rnd.cryptChars(22)}$${rnd.cryptChars(43)}` : '*';
      const changed = login ? lastChange + rnd.int(0, 30) : lastChange;
      return `${a.name}:${hash}:${changed}:0:99999:7:::\n`;
    })
    .join('');
}

function gshadowText(m: Machine): string {
  return m.groups.map((g) => `${g.name}:*::${g.members.join(',')}\n`).join('');
}

function hostsText(m: Machine): string {
  const { hostname, domain } = m.persona;
  const fqdn = domain ? `${hostname}.${domain}\t${hostname}` : hostname;
  return [
    '127.0.0.1\tlocalhost',
    `127.0.1.1\t${fqdn}`,
    '',
    '# The following lines are desirable for IPv6 capable hosts',
    '::1     localhost ip6-localhost ip6-loopback',
    'ff02::1 ip6-allnodes',
    'ff02::2 ip6-allrouters',
    '',
  ].join('\n');
}

function interfacesText(m: Machine): string {
  const n = m.net;
  return [
    '# This file describes the network interfaces available on your system',
    '# and how to activate them. For more information, see interfaces(5).',
    '',
    'source /etc/network/interfaces.d/*',
    '',
    '# The loopback network interface',
    'auto lo',
    'iface lo inet loopback',
    '',
    '# The primary network interface',
    `allow-hotplug ${n.iface}`,
    `iface ${n.iface} inet static`,
    `\taddress ${n.ip}/${n.prefix}`,
    `\tgateway ${n.gateway}`,
    '',
  ].join('\n');
}

function netplanText(m: Machine): string {
  const n = m.net;
  return [
    'network:',
    '  version: 2',
    '  ethernets:',
    `    ${n.iface}:`,
    '      addresses:',
    `      - ${n.ip}/${n.prefix}`,
    '      routes:',
    '      - to: default',
    `        via: ${n.gateway}`,
    '      nameservers:',
    `        addresses: [${n.gateway}]`,
    '',
  ].join('\n');
}

function fstabText(m: Machine): string {
  const rnd = new SeededRandom(`${m.seed}:fstab`);
  const uuid = `${rnd.hex(8)}-${rnd.hex(4)}-${rnd.hex(4)}-${rnd.hex(4)}-${rnd.hex(12)}`;
  const efi = `${rnd.hex(4).toUpperCase()}-${rnd.hex(4).toUpperCase()}`;
  return [
    '# /etc/fstab: static file system information.',
    '#',
    "# Use 'blkid' to print the universally unique identifier for a",
    '# device; this may be used with UUID= as a more robust way to name devices',
    '# that works even if disks are added and removed. See fstab(5).',
    '#',
    '# <file system> <mount point>   <type>  <options>       <dump>  <pass>',
    `UUID=${uuid} /               ext4    errors=remount-ro 0       1`,
    `UUID=${efi}  /boot/efi       vfat    umask=0077      0       1`,
    '',
  ].join('\n');
}

const SHELLS = '# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n';

const CRONTAB = [
  '# /etc/crontab: system-wide crontab',
  '# Unlike any other crontab you do not have to run the `crontab\'',
  '# command to install the new version when you edit this file',
  '# and files in /etc/cron.d. These files also have username fields,',
  '# that none of the other crontabs do.',
  '',
  'SHELL=/bin/sh',
  'PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin',
  '',
  '# Example of job definition:',
  '# .---------------- minute (0 - 59)',
  '# |  .------------- hour (0 - 23)',
  '# |  |  .---------- day of month (1 - 31)',
  '# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...',
  '# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat',
  '# |  |  |  |  |',
  '# *  *  *  *  * user-name command to be executed',
  '17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly',
  '25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }',
  '47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }',
  '52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }',
  '#',
  '',
].join('\n');

const SUDOERS = [
  '#',
  '# This file MUST be edited with the \'visudo\' command as root.',
  '#',
  '# See the man page for details on how to write a sudoers file.',
  '#',
  'Defaults\tenv_reset',
  'Defaults\tmail_badpass',
  'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
  'Defaults\tuse_pty',
  '',
  '# User privilege specification',
  'root\tALL=(ALL:ALL) ALL',
  '',
  '# Allow members of group sudo to execute any command',
  '%sudo\tALL=(ALL:ALL) ALL',
  '',
  '@includedir /etc/sudoers.d',
  '',
].join('\n');

const PROFILE = [
  '# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))',
  '# and Bourne compatible shells (bash(1), ksh(1), ash(1), ...).',
  '',
  'if [ "$(id -u)" -eq 0 ]; then',
  '  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
  'else',
  '  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"',
  'fi',
  'export PATH',
  '',
  'if [ -d /etc/profile.d ]; then',
  '  for i in /etc/profile.d/*.sh; do',
  '    if [ -r $i ]; then',
  '      . $i',
  '    fi',
  '  done',
  '  unset i',
  'fi',
  '',
].join('\n');

/** /etc: identity files consistent with the persona, plus the configuration a fresh server has. */
export function addEtc(b: TreeBuilder, m: Machine): void {
  const p = m.persona;
  const t = m.installTime;
  const shadowGid = m.groups.find((g) => g.name === 'shadow')?.gid ?? 42;
  const changed = { mtime: t + 3 * DAY };
  b.dir('/etc', { mtime: t + 3 * DAY });
  b.file('/etc/hostname', `${p.hostname}\n`);
  b.file('/etc/hosts', hostsText(m));
  b.file('/etc/passwd', passwdText(m), changed);
  b.file('/etc/passwd-', passwdText(m), { mtime: t });
  b.file('/etc/group', groupText(m), changed);
  b.file('/etc/group-', groupText(m), { mtime: t });
  b.file('/etc/shadow', shadowText(m), { mode: 0o640, gid: shadowGid, mtime: t + 3 * DAY });
  b.file('/etc/gshadow', gshadowText(m), { mode: 0o640, gid: shadowGid });
  b.file('/etc/machine-id', `${p.machineId}\n`, { mode: 0o444 });
  b.file('/usr/lib/os-release', osReleaseText(p), { mtime: t - 60 * DAY });
  b.link('/etc/os-release', '../usr/lib/os-release');
  b.file('/etc/debian_version', `${m.debianVersion}\n`, { mtime: t - 60 * DAY });
  if (p.os.id === 'ubuntu') b.file('/etc/lsb-release', lsbReleaseText(p), { mtime: t - 60 * DAY });
  b.file('/etc/issue', `${issueName(p)} \\n \\l\n\n`);
  b.file('/etc/issue.net', `${issueName(p)}\n`);
  b.file('/etc/motd', p.os.id === 'debian'
    ? '\nThe programs included with the Debian GNU/Linux system are free software;\nthe exact distribution terms for each program are described in the\nindividual files in /usr/share/doc/*/copyright.\n\nDebian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\npermitted by applicable law.\n'
    : '');
  if (p.os.id === 'ubuntu') {
    b.file('/run/systemd/resolve/stub-resolv.conf', [
      '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).',
      '# Do not edit.',
      '#',
      '# Run "resolvectl status" to see details about the uplink DNS servers',
      '# currently in use.',
      '',
      'nameserver 127.0.0.53',
      'options edns0 trust-ad',
      `search ${p.domain || '.'}`,
      '',
    ].join('\n'));
    b.link('/etc/resolv.conf', '../run/systemd/resolve/stub-resolv.conf');
    b.file('/etc/netplan/50-cloud-init.yaml', netplanText(m), { mode: 0o600 });
  } else {
    b.file('/etc/resolv.conf', `${p.domain ? `domain ${p.domain}\nsearch ${p.domain}\n` : ''}nameserver ${m.net.gateway}\n`);
    b.file('/etc/network/interfaces', interfacesText(m));
    b.dir('/etc/network/interfaces.d');
  }
  b.file('/etc/fstab', fstabText(m));
  b.file('/etc/shells', SHELLS);
  b.file('/etc/timezone', 'Etc/UTC\n');
  b.link('/etc/localtime', '/usr/share/zoneinfo/Etc/UTC');
  b.file('/usr/share/zoneinfo/Etc/UTC', 'TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0UTC\0\nUTC0\n', { size: 114 });
  b.file('/etc/crontab', CRONTAB);
  b.dir('/etc/cron.d');
  for (const period of ['hourly', 'daily', 'weekly', 'monthly']) b.dir(`/etc/cron.${period}`);
  b.file('/etc/cron.daily/apt-compat', '#!/bin/sh\n\nset -e\n\n# Systemd systems use a systemd timer unit which is preferable to\n# run. We want to randomize the apt update and unattended-upgrade\n# runs as much as possible to avoid hitting the mirrors all at the\n# same time.\nif [ -d /run/systemd/system ]; then\n    exit 0\nfi\n\nexec /usr/lib/apt/apt.systemd.daily\n', { mode: 0o755 });
  b.file('/etc/cron.daily/dpkg', '#!/bin/sh\n\n# Skip if systemd is running.\nif [ -d /run/systemd/system ]; then\n    exit 0\nfi\n\n/usr/libexec/dpkg/dpkg-db-backup\n', { mode: 0o755 });
  b.file('/etc/sudoers', SUDOERS, { mode: 0o440 });
  b.dir('/etc/sudoers.d', { mode: 0o750 });
  b.file('/etc/sudoers.d/README', '#\n# The default /etc/sudoers file created on installation of the\n# sudo  package now includes the directive:\n#\n# \t@includedir /etc/sudoers.d\n#\n', { mode: 0o440 });
  b.file('/etc/profile', PROFILE);
  b.dir('/etc/profile.d');
  b.file('/etc/bash.bashrc', '# System-wide .bashrc file for interactive bash(1) shells.\n\n# If not running interactively, don\'t do anything\n[ -z "$PS1" ] && return\n\n# check the window size after each command\nshopt -s checkwinsize\n\nPS1=\'${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ \'\n');
  b.file('/etc/environment', p.os.id === 'ubuntu' ? 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin"\n' : '');
  b.file('/etc/nsswitch.conf', '# /etc/nsswitch.conf\n#\n# Example configuration of GNU Name Service Switch functionality.\n\npasswd:         files systemd\ngroup:          files systemd\nshadow:         files\ngshadow:        files\n\nhosts:          files dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis\n');
  b.file('/etc/ssh/sshd_config', sshdConfigText(p));
  b.dir('/etc/ssh/sshd_config.d');
  b.file('/etc/ssh/ssh_config', 'Include /etc/ssh/ssh_config.d/*.conf\n\nHost *\n    SendEnv LANG LC_*\n    HashKnownHosts yes\n    GSSAPIAuthentication yes\n');
  b.dir('/etc/ssh/ssh_config.d');
  b.file('/etc/ssh/moduli', '', { size: 577_771, mtime: t - 60 * DAY });
  if (p.os.id === 'debian') {
    b.file('/etc/apt/sources.list.d/debian.sources', `Types: deb deb-src\nURIs: https://deb.debian.org/debian\nSuites: ${p.os.codename} ${p.os.codename}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb deb-src\nURIs: https://security.debian.org/debian-security\nSuites: ${p.os.codename}-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`);
  } else {
    b.file('/etc/apt/sources.list.d/ubuntu.sources', `Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: ${p.os.codename} ${p.os.codename}-updates ${p.os.codename}-backports\nComponents: main restricted universe multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n\nTypes: deb\nURIs: http://security.ubuntu.com/ubuntu/\nSuites: ${p.os.codename}-security\nComponents: main restricted universe multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n`);
  }
  b.dir('/etc/apt/apt.conf.d');
  b.dir('/etc/apt/trusted.gpg.d');
  b.dir('/etc/systemd/system/multi-user.target.wants');
  for (const unit of ['cron', 'ssh', 'rsyslog', 'remote-fs.target']) {
    const target = unit.endsWith('.target') ? `/lib/systemd/system/${unit}` : `/lib/systemd/system/${unit}.service`;
    b.link(`/etc/systemd/system/multi-user.target.wants/${unit.endsWith('.target') ? unit : `${unit}.service`}`, target);
  }
  b.dir('/etc/init.d');
  for (const script of ['cron', 'dbus', 'kmod', 'procps', 'rsyslog', 'ssh', 'sudo']) {
    b.file(`/etc/init.d/${script}`, `#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          ${script}\n### END INIT INFO\n`, { mode: 0o755, size: 2_000 + script.length * 173 });
  }
  b.dir('/etc/default');
  b.file('/etc/default/locale', 'LANG=C.UTF-8\n');
  b.dir('/etc/security');
  b.dir('/etc/pam.d');
  b.file('/etc/pam.d/sshd', '# PAM configuration for the Secure Shell service\n\n@include common-auth\naccount    required     pam_nologin.so\n@include common-account\nsession [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so close\nsession    required     pam_loginuid.so\nsession    optional     pam_keyinit.so force revoke\n@include common-session\nsession    optional     pam_motd.so  motd=/run/motd.dynamic\nsession    optional     pam_motd.so noupdate\nsession    optional     pam_mail.so standard noenv\nsession    required     pam_limits.so\nsession    required     pam_env.so\n@include common-password\n');
  b.dir('/etc/skel');
  b.dir('/etc/logrotate.d');
  b.file('/etc/host.conf', 'multi on\n');
  b.file('/etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n\n');
}
