import type { Persona } from '../../persona/persona.js';
import { SeededRandom } from './seeded-random.js';

/**
 * The memory figures of the fake machine, in KiB. `/proc/meminfo`, `free` and `top` all read these, with the
 * formulas of procps-ng 4 (used = MemTotal - MemAvailable; buff/cache = Buffers + Cached + SReclaimable).
 */
export interface MemoryInfo {
  totalKb: number;
  freeKb: number;
  availableKb: number;
  buffersKb: number;
  cachedKb: number;
  sReclaimableKb: number;
  sUnreclaimKb: number;
  shmemKb: number;
  swapTotalKb: number;
  swapFreeKb: number;
}

export function memoryInfo(persona: Persona): MemoryInfo {
  const rnd = new SeededRandom(`${persona.machineId}:memory`);
  const totalKb = persona.hardware.memoryKb;
  const buffersKb = Math.round(totalKb * (0.01 + rnd.next() * 0.03));
  const cachedKb = Math.round(totalKb * (0.12 + rnd.next() * 0.2));
  const sReclaimableKb = Math.round(totalKb * (0.01 + rnd.next() * 0.02));
  const sUnreclaimKb = Math.round(totalKb * (0.005 + rnd.next() * 0.01));
  const anonKb = Math.round(totalKb * (0.06 + rnd.next() * 0.1));
  const freeKb = Math.max(0, totalKb - buffersKb - cachedKb - sReclaimableKb - sUnreclaimKb - anonKb);
  const shmemKb = rnd.int(600, 4_000);
  const availableKb = Math.min(totalKb, freeKb + Math.round((buffersKb + cachedKb + sReclaimableKb) * 0.85));
  const swapTotalKb = rnd.next() < 0.35 ? 0 : rnd.pick([975_868, 1_003_516, 2_097_148, 4_194_300]);
  return {
    totalKb,
    freeKb,
    availableKb,
    buffersKb,
    cachedKb,
    sReclaimableKb,
    sUnreclaimKb,
    shmemKb,
    swapTotalKb,
    swapFreeKb: swapTotalKb,
  };
}

/** Used memory as procps-ng 4 computes it. */
export function usedKb(m: MemoryInfo): number {
  return m.totalKb - m.availableKb;
}

export function buffCacheKb(m: MemoryInfo): number {
  return m.buffersKb + m.cachedKb + m.sReclaimableKb;
}

/** The text of `/proc/meminfo` (the fields a 6.x kernel prints, in its order and alignment). */
export function meminfoText(m: MemoryInfo): string {
  const anon = Math.max(0, m.totalKb - m.freeKb - m.buffersKb - m.cachedKb - m.sReclaimableKb - m.sUnreclaimKb);
  const fields: Array<[string, number, boolean?]> = [
    ['MemTotal', m.totalKb],
    ['MemFree', m.freeKb],
    ['MemAvailable', m.availableKb],
    ['Buffers', m.buffersKb],
    ['Cached', m.cachedKb],
    ['SwapCached', 0],
    ['Active', Math.round(anon * 0.2 + m.cachedKb * 0.45)],
    ['Inactive', Math.round(anon * 0.8 + m.cachedKb * 0.55)],
    ['Active(anon)', Math.round(anon * 0.2)],
    ['Inactive(anon)', Math.round(anon * 0.8)],
    ['Active(file)', Math.round(m.cachedKb * 0.45)],
    ['Inactive(file)', Math.round(m.cachedKb * 0.55)],
    ['Unevictable', 0],
    ['Mlocked', 0],
    ['SwapTotal', m.swapTotalKb],
    ['SwapFree', m.swapFreeKb],
    ['Zswap', 0],
    ['Zswapped', 0],
    ['Dirty', 44],
    ['Writeback', 0],
    ['AnonPages', anon],
    ['Mapped', Math.round(m.cachedKb * 0.18)],
    ['Shmem', m.shmemKb],
    ['KReclaimable', m.sReclaimableKb],
    ['Slab', m.sReclaimableKb + m.sUnreclaimKb],
    ['SReclaimable', m.sReclaimableKb],
    ['SUnreclaim', m.sUnreclaimKb],
    ['KernelStack', 2_960],
    ['PageTables', 3_412],
    ['SecPageTables', 0],
    ['NFS_Unstable', 0],
    ['Bounce', 0],
    ['WritebackTmp', 0],
    ['CommitLimit', Math.round(m.totalKb / 2) + m.swapTotalKb],
    ['Committed_AS', Math.round(anon * 2.6)],
    ['VmallocTotal', 34_359_738_367],
    ['VmallocUsed', 21_540],
    ['VmallocChunk', 0],
    ['Percpu', 1_536],
    ['HardwareCorrupted', 0],
    ['AnonHugePages', 0],
    ['ShmemHugePages', 0],
    ['ShmemPmdMapped', 0],
    ['FileHugePages', 0],
    ['FilePmdMapped', 0],
    ['HugePages_Total', 0, true],
    ['HugePages_Free', 0, true],
    ['HugePages_Rsvd', 0, true],
    ['HugePages_Surp', 0, true],
    ['Hugepagesize', 2_048],
    ['Hugetlb', 0],
    ['DirectMap4k', 145_280],
    ['DirectMap2M', Math.max(0, Math.round(m.totalKb / 2048) * 2048 - 145_280 + 2048 * 64)],
  ];
  return fields
    .map(([name, value, count]) =>
      count ? `${`${name}:`.padEnd(16)}${String(value).padStart(8)}\n` : `${`${name}:`.padEnd(16)}${String(value).padStart(8)} kB\n`,
    )
    .join('');
}
