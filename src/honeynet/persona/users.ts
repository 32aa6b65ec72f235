import type { PersonaUser } from './persona.js';
import type { Dice } from './random-source.js';

const FIRST_NAMES = [
  'alex', 'anna', 'ben', 'carla', 'chris', 'daniel', 'david', 'elena', 'emma', 'felix', 'frank', 'hannah', 'igor',
  'jan', 'jana', 'jonas', 'julia', 'karl', 'kevin', 'lars', 'laura', 'lena', 'lukas', 'marco', 'maria', 'mark',
  'martin', 'max', 'michael', 'mike', 'nico', 'nina', 'oliver', 'pablo', 'paul', 'peter', 'piotr', 'ralf', 'sam',
  'sara', 'sebastian', 'simon', 'sofia', 'stefan', 'sven', 'thomas', 'tim', 'tobias', 'tom', 'vera', 'jakub',
  'lucas', 'matteo', 'hugo', 'ines', 'nils', 'erik', 'olga', 'dmitri', 'kenji', 'priya', 'raj', 'omar', 'yusuf',
] as const;
const LAST_NAMES = [
  'Mueller', 'Schmidt', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Novak',
  'Kowalski', 'Nowak', 'Horvat', 'Jensen', 'Hansen', 'Larsen', 'Nilsson', 'Berg', 'Lindqvist', 'Virtanen',
  'Dubois', 'Martin', 'Bernard', 'Rossi', 'Russo', 'Bianchi', 'Garcia', 'Lopez', 'Fernandez', 'Silva', 'Santos',
  'Smith', 'Jones', 'Taylor', 'Brown', 'Walker', 'Clarke', 'Murphy', 'Kelly', 'Petrov', 'Ivanov', 'Tanaka',
  'Sato', 'Kumar', 'Sharma', 'Haddad', 'Yilmaz', 'de Vries', 'Janssen', 'Peeters',
] as const;
/** Admin accounts named after a role rather than a person (cloud images create `debian` / `ubuntu`). */
const ROLE_ADMINS = ['sysadmin', 'admin', 'ops', 'devops', 'it', 'administrator', 'support', 'operator', 'sysop'] as const;
/**
 * Service logins people create by hand. Never a name Debian/Ubuntu already reserve as a system account
 * (`backup`, `www-data`, `nobody`, ...): those exist in /etc/passwd below uid 1000 and a second one would be a
 * giveaway.
 */
const SERVICE_ACCOUNTS = ['deploy', 'git', 'ansible', 'app', 'appuser', 'ci', 'svc-backup', 'webadmin', 'dbadmin', 'jenkins-agent', 'monitoring', 'sftpuser', 'releases'] as const;

/** Supplementary groups the installer gives the first user. */
const ADMIN_GROUPS: Record<'debian' | 'ubuntu', readonly string[][]> = {
  debian: [
    ['cdrom', 'floppy', 'sudo', 'audio', 'dip', 'video', 'plugdev', 'users', 'netdev'],
    ['adm', 'sudo'],
    ['sudo', 'users'],
  ],
  ubuntu: [
    ['adm', 'cdrom', 'sudo', 'dip', 'plugdev', 'lxd'],
    ['adm', 'cdrom', 'sudo', 'dip', 'plugdev', 'users', 'lxd'],
  ],
};
const CLOUD_IMAGE_GROUPS = ['adm', 'dialout', 'cdrom', 'floppy', 'sudo', 'audio', 'dip', 'video', 'plugdev', 'netdev'];

interface Account {
  name: string;
  gecos: string;
  groups: string[];
}

function person(dice: Dice, taken: Set<string>): Account {
  const first = dice.pick(FIRST_NAMES);
  const last = dice.pick(LAST_NAMES);
  const full = `${first[0]?.toUpperCase()}${first.slice(1)} ${last}`;
  const short = last.toLowerCase().replace(/[^a-z]/g, '');
  const candidates = [first, `${first[0]}${short}`, `${first}.${short}`, `${first}${short[0]}`];
  const name = candidates.find((c) => !taken.has(c)) ?? `${first}${dice.int(2, 99)}`;
  return { name, gecos: `${full},,,`, groups: [] };
}

function admin(dice: Dice, family: 'debian' | 'ubuntu', taken: Set<string>): Account {
  const kind = dice.weighted([['person', 6], ['role', 3], ['cloud', 2]] as const);
  if (kind === 'cloud') return { name: family, gecos: family === 'ubuntu' ? 'Ubuntu' : 'Debian', groups: [...CLOUD_IMAGE_GROUPS] };
  const groups = [...dice.pick(ADMIN_GROUPS[family])];
  if (kind === 'role') {
    const name = dice.pick(ROLE_ADMINS);
    return { name, gecos: dice.chance(0.5) ? `${name},,,` : '', groups };
  }
  return { ...person(dice, taken), groups };
}

/** The admin (uid 1000, sudo) and 0–3 more regular users with consecutive uids and private groups. */
export function generateUsers(dice: Dice, family: 'debian' | 'ubuntu'): PersonaUser[] {
  const taken = new Set<string>();
  const accounts: Account[] = [admin(dice, family, taken)];
  taken.add((accounts[0] as Account).name);
  const extra = dice.weighted([[0, 2], [1, 4], [2, 3], [3, 2]] as const);
  for (let i = 0; i < extra; i++) {
    const account = dice.chance(0.5)
      ? { name: dice.pick(SERVICE_ACCOUNTS), gecos: '', groups: [] }
      : person(dice, taken);
    if (taken.has(account.name)) continue;
    taken.add(account.name);
    accounts.push(account);
  }
  return accounts.map((a, i) => ({
    name: a.name,
    uid: 1000 + i,
    gid: 1000 + i,
    gecos: a.gecos,
    home: `/home/${a.name}`,
    shell: '/bin/bash',
    groups: a.groups,
  }));
}
