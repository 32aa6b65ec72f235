import type { Persona } from '../../persona/persona.js';
import { accountsOf, groupsOf, type GroupEntry } from './accounts.js';
import type { Account } from './login.js';
import { memoryInfo, type MemoryInfo } from './memory.js';
import type { DiskLayout } from './mounts.js';
import { networkFacts, type NetworkFacts } from './network.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Everything about the fake machine that does not depend on a session, derived once per persona. The base
 * filesystem and the commands read the same figures, which is what keeps `free` equal to /proc/meminfo, `id`
 * equal to /etc/group, and so on.
 */
export interface Machine {
  persona: Persona;
  memory: MemoryInfo;
  disk: DiskLayout;
  net: NetworkFacts;
  accounts: Account[];
  groups: GroupEntry[];
  /** When the OS was "installed" (epoch ms): the mtime of most of the tree. */
  installTime: number;
  /** Seed for per-persona randomness. */
  seed: string;
  /** `/etc/debian_version` (from the persona). */
  debianVersion: string;
}

export function machineOf(persona: Persona): Machine {
  const seed = persona.machineId;
  const rnd = new SeededRandom(`${seed}:machine`);
  const rootSizeKb = Math.round(persona.hardware.diskGb * 1024 * 1024 * 0.96);
  return {
    persona,
    memory: memoryInfo(persona),
    disk: {
      device: rnd.next() < 0.5 ? '/dev/sda' : '/dev/vda',
      rootSizeKb,
      rootUsedKb: Math.round(rootSizeKb * (0.06 + rnd.next() * 0.25)),
    },
    net: networkFacts(persona),
    accounts: accountsOf(persona),
    groups: groupsOf(persona),
    installTime: persona.bootTime - rnd.int(40, 400) * 86_400_000 - rnd.int(0, 86_399_000),
    seed,
    debianVersion: persona.os.debianVersion,
  };
}
