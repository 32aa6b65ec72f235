import type { Persona } from '../../persona/persona.js';
import type { Account } from './login.js';

/** A line of /etc/group. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const NOLOGIN = '/usr/sbin/nologin';

/** The system accounts of a fresh Debian/Ubuntu install, in /etc/passwd order (root first). */
function systemAccounts(persona: Persona): Account[] {
  const a = (name: string, uid: number, gid: number, gecos: string, home: string, shell = NOLOGIN): Account => ({
    name,
    uid,
    gid,
    gecos,
    home,
    shell,
  });
  const list = [
    a('root', 0, 0, 'root', '/root', '/bin/bash'),
    a('daemon', 1, 1, 'daemon', '/usr/sbin'),
    a('bin', 2, 2, 'bin', '/bin'),
    a('sys', 3, 3, 'sys', '/dev'),
    a('sync', 4, 65534, 'sync', '/bin', '/bin/sync'),
    a('games', 5, 60, 'games', '/usr/games'),
    a('man', 6, 12, 'man', '/var/cache/man'),
    a('lp', 7, 7, 'lp', '/var/spool/lpd'),
    a('mail', 8, 8, 'mail', '/var/mail'),
    a('news', 9, 9, 'news', '/var/spool/news'),
    a('uucp', 10, 10, 'uucp', '/var/spool/uucp'),
    a('proxy', 13, 13, 'proxy', '/bin'),
    a('www-data', 33, 33, 'www-data', '/var/www'),
    a('backup', 34, 34, 'backup', '/var/backups'),
    a('list', 38, 38, 'Mailing List Manager', '/var/list'),
    a('irc', 39, 39, 'ircd', '/run/ircd'),
    a('_apt', 42, 65534, '', '/nonexistent'),
    a('nobody', 65534, 65534, 'nobody', '/nonexistent'),
  ];
  if (persona.os.id === 'ubuntu') {
    list.push(
      a('systemd-network', 998, 998, 'systemd Network Management', '/'),
      a('systemd-timesync', 997, 997, 'systemd Time Synchronization', '/'),
      a('dhcpcd', 100, 65534, 'DHCP Client Daemon,,,', '/usr/lib/dhcpcd', '/bin/false'),
      a('messagebus', 101, 102, '', '/nonexistent'),
      a('systemd-resolve', 991, 991, 'systemd Resolver', '/'),
      a('pollinate', 102, 1, '', '/var/cache/pollinate', '/bin/false'),
      a('polkitd', 990, 990, 'User for polkitd', '/'),
      a('syslog', 103, 104, '', '/nonexistent'),
      a('uuidd', 104, 105, '', '/run/uuidd'),
      a('tcpdump', 105, 107, '', '/nonexistent'),
      a('tss', 106, 108, 'TPM software stack,,,', '/var/lib/tpm', '/bin/false'),
      a('landscape', 107, 109, '', '/var/lib/landscape'),
      a('fwupd-refresh', 989, 989, 'Firmware update daemon', '/var/lib/fwupd'),
      a('sshd', 108, 65534, '', '/run/sshd'),
    );
  } else {
    list.push(
      a('systemd-network', 998, 998, 'systemd Network Management', '/'),
      a('systemd-timesync', 997, 997, 'systemd Time Synchronization', '/'),
      a('messagebus', 100, 107, '', '/nonexistent'),
      a('sshd', 101, 65534, '', '/run/sshd'),
    );
  }
  return list;
}

/** Every account of /etc/passwd: system accounts, then the persona's users. */
export function accountsOf(persona: Persona): Account[] {
  const users = persona.users.map((u) => ({
    name: u.name,
    uid: u.uid,
    gid: u.gid,
    gecos: u.gecos,
    home: u.home,
    shell: u.shell,
  }));
  return [...systemAccounts(persona), ...users];
}

const DEBIAN_GROUPS: Array<[string, number]> = [
  ['root', 0], ['daemon', 1], ['bin', 2], ['sys', 3], ['adm', 4], ['tty', 5], ['disk', 6], ['lp', 7], ['mail', 8],
  ['news', 9], ['uucp', 10], ['man', 12], ['proxy', 13], ['kmem', 15], ['dialout', 20], ['fax', 21], ['voice', 22],
  ['cdrom', 24], ['floppy', 25], ['tape', 26], ['sudo', 27], ['audio', 29], ['dip', 30], ['www-data', 33],
  ['backup', 34], ['operator', 37], ['list', 38], ['irc', 39], ['src', 40], ['shadow', 42], ['utmp', 43],
  ['video', 44], ['sasl', 45], ['plugdev', 46], ['staff', 50], ['games', 60], ['users', 100], ['nogroup', 65534],
  ['systemd-journal', 999], ['systemd-network', 998], ['systemd-timesync', 997], ['input', 996], ['sgx', 995],
  ['kvm', 994], ['render', 993], ['crontab', 102],
];

/** /etc/group: system groups (members from the persona users' `groups`), then one private group per user. */
export function groupsOf(persona: Persona): GroupEntry[] {
  const base = [...DEBIAN_GROUPS];
  if (persona.os.id === 'ubuntu') base.push(['lxd', 101], ['messagebus', 102], ['systemd-resolve', 991], ['syslog', 104]);
  else base.push(['messagebus', 107]);
  const groups = base.map(([name, gid]) => ({ name, gid, members: [] as string[] }));
  for (const u of persona.users) {
    for (const g of u.groups) groups.find((e) => e.name === g)?.members.push(u.name);
  }
  for (const u of persona.users) {
    if (!groups.some((g) => g.gid === u.gid)) groups.push({ name: u.name, gid: u.gid, members: [] });
  }
  return groups;
}

/** `id` groups of an account: the primary group first, then the groups listing it as a member, in file order. */
export function groupIdsOf(account: Account, groups: GroupEntry[]): number[] {
  const ids = [account.gid];
  for (const g of groups) if (g.members.includes(account.name) && !ids.includes(g.gid)) ids.push(g.gid);
  return ids;
}
