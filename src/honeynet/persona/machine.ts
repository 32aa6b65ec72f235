import type { Persona } from './persona.js';
import type { Dice } from './random-source.js';

/**
 * Virtualisation platforms servers like ours run on: the MAC vendor prefix (OUI) the hypervisor assigns, the
 * name systemd gives the NIC there, and CPU model strings guests see (named QEMU models, or the host's CPU
 * passed through).
 */
interface Platform {
  oui: string;
  ifaces: readonly string[];
  cpuModels: readonly string[];
}

const PLATFORMS: ReadonlyArray<readonly [Platform, number]> = [
  [{ // libvirt / plain QEMU-KVM
    oui: '52:54:00',
    ifaces: ['enp1s0', 'ens3', 'eth0'],
    cpuModels: ['AMD EPYC-Rome Processor', 'AMD EPYC-Milan Processor', 'Intel Xeon Processor (Cascadelake)', 'Intel Xeon Processor (Icelake)', 'Intel Xeon Processor (Skylake, IBRS)', 'Intel Core Processor (Broadwell, IBRS)', 'QEMU Virtual CPU version 2.5+'],
  }, 5],
  [{ // Proxmox VE (its own OUI since PVE 8)
    oui: 'bc:24:11',
    ifaces: ['ens18'],
    cpuModels: ['QEMU Virtual CPU version 2.5+', 'Common KVM processor', 'AMD EPYC 7302P 16-Core Processor', 'AMD Ryzen 9 5950X 16-Core Processor', 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', 'Intel(R) Xeon(R) E-2236 CPU @ 3.40GHz'],
  }, 3],
  [{ // VMware ESXi
    oui: '00:50:56',
    ifaces: ['ens192', 'ens160', 'ens224'],
    cpuModels: ['Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz', 'Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz', 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz', 'AMD EPYC 7543 32-Core Processor'],
  }, 3],
];

/** Memory sizes VMs are given (MiB), weighted by how common they are. */
const MEMORY_MIB: ReadonlyArray<readonly [number, number]> = [[2048, 3], [4096, 5], [8192, 5], [16384, 3], [32768, 1]];
const DISK_GB = [20, 25, 30, 32, 40, 50, 60, 64, 80, 100, 120, 128, 150, 160, 200, 250, 256, 500] as const;

/** Cores, memory, disk and network of one VM; cores and memory go together as VM templates do. */
export function generateMachine(dice: Dice): { hardware: Persona['hardware']; network: Persona['network'] } {
  const platform = dice.weighted(PLATFORMS);
  const cores = dice.weighted([[2, 5], [4, 6], [6, 1], [8, 4], [12, 1], [16, 2]] as const);
  const memoryMib = Math.max(dice.weighted(MEMORY_MIB), cores >= 8 ? 8192 : 2048);
  // /proc/meminfo MemTotal is below the assigned size: the kernel keeps its image and reserved ranges.
  const memoryKb = Math.round((memoryMib * 1024 * (0.955 + dice.random() * 0.012)) / 4) * 4;
  return {
    hardware: { cpuModel: dice.pick(platform.cpuModels), cores, memoryKb, diskGb: dice.pick(DISK_GB) },
    network: { ...generateAddress(dice), iface: dice.pick(platform.ifaces), mac: `${platform.oui}:${dice.hex(2)}:${dice.hex(2)}:${dice.hex(2)}` },
  };
}

function generateAddress(dice: Dice): { ip: string; prefix: number; gateway: string } {
  const kind = dice.weighted([['10', 5], ['172', 2], ['192', 4]] as const);
  if (kind === '192') {
    const third = dice.weighted([[dice.int(0, 1), 2], [dice.int(2, 254), 3]] as const);
    return { ip: `192.168.${third}.${dice.int(10, 250)}`, prefix: 24, gateway: `192.168.${third}.1` };
  }
  const net = kind === '10' ? `10.${dice.int(0, 254)}` : `172.${dice.int(16, 31)}`;
  const prefix = dice.weighted([[24, 6], [22, 1], [20, 1], [16, 1]] as const);
  // The gateway is the first address of the subnet; the host sits anywhere else in it.
  const blocks = 2 ** (24 - Math.min(prefix, 24));
  const base = Math.floor(dice.int(0, 255) / blocks) * blocks;
  const third = base + dice.int(0, blocks - 1);
  const fourth = third === base ? dice.int(10, 250) : dice.int(1, 254);
  return { ip: `${net}.${third}.${fourth}`, prefix, gateway: `${net}.${base}.1` };
}
