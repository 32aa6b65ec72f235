import type { Persona } from '../../../persona/persona.js';
import { SeededRandom } from '../../system/seeded-random.js';

/** CPU facts derived from the persona's model name, shared by /proc/cpuinfo and `lscpu`. */
export interface CpuFacts {
  vendor: 'GenuineIntel' | 'AuthenticAMD';
  family: number;
  model: number;
  stepping: number;
  mhz: number;
  cacheKb: number;
  bogomips: number;
  flags: string;
  microcode: string;
}

const COMMON_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx';
const INTEL_FLAGS = `${COMMON_FLAGS} pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch cpuid_fault invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves arat umip pku ospke md_clear arch_capabilities`;
const AMD_FLAGS = `${COMMON_FLAGS} mmxext fxsr_opt pdpe1gb rdtscp lm rep_good nopl cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext perfctr_core ssbd ibrs ibpb stibp vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves clzero xsaveerptr wbnoinvd arat umip pku ospke vaes vpclmulqdq rdpid fsrm`;

export function cpuFacts(persona: Persona): CpuFacts {
  const rnd = new SeededRandom(`${persona.machineId}:cpu`);
  const modelName = persona.hardware.cpuModel;
  const amd = /amd|epyc|ryzen/i.test(modelName);
  const ghz = /@\s*([\d.]+)\s*GHz/i.exec(modelName);
  const mhz = ghz ? Number(ghz[1]) * 1000 : rnd.pick([2000, 2100, 2200, 2400, 2445.406, 2600, 2800, 3000]);
  const withJitter = Math.round((mhz + (ghz ? rnd.next() * 0.9 : 0)) * 1000) / 1000;
  return amd
    ? {
        vendor: 'AuthenticAMD',
        family: 25,
        model: 1,
        stepping: 1,
        mhz: withJitter,
        cacheKb: 512,
        bogomips: Math.round(mhz * 2 * 100) / 100,
        flags: AMD_FLAGS,
        microcode: '0xa0011d1',
      }
    : {
        vendor: 'GenuineIntel',
        family: 6,
        model: rnd.pick([85, 106, 143]),
        stepping: rnd.pick([4, 6, 7]),
        mhz: withJitter,
        cacheKb: rnd.pick([16_384, 28_160, 36_608, 55_296]),
        bogomips: Math.round(mhz * 2 * 100) / 100,
        flags: INTEL_FLAGS,
        microcode: '0xffffffff',
      };
}

/** `/proc/cpuinfo`: one block per core, each in the order and alignment the kernel prints. */
export function cpuinfoText(persona: Persona): string {
  const f = cpuFacts(persona);
  const cores = persona.hardware.cores;
  const blocks: string[] = [];
  for (let i = 0; i < cores; i++) {
    const rows: Array<[string, string | number]> = [
      ['processor', i],
      ['vendor_id', f.vendor],
      ['cpu family', f.family],
      ['model', f.model],
      ['model name', persona.hardware.cpuModel],
      ['stepping', f.stepping],
      ['microcode', f.microcode],
      ['cpu MHz', f.mhz.toFixed(3)],
      ['cache size', `${f.cacheKb} KB`],
      ['physical id', 0],
      ['siblings', cores],
      ['core id', i],
      ['cpu cores', cores],
      ['apicid', i],
      ['initial apicid', i],
      ['fpu', 'yes'],
      ['fpu_exception', 'yes'],
      ['cpuid level', f.vendor === 'GenuineIntel' ? 13 : 16],
      ['wp', 'yes'],
      ['flags', f.flags],
      ['bugs', f.vendor === 'GenuineIntel' ? 'spectre_v1 spectre_v2 spec_store_bypass swapgs mmio_stale_data retbleed eibrs_pbrsb bhi' : 'sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso'],
      ['bogomips', f.bogomips.toFixed(2)],
      ['TLB size', '3584 4K pages'],
      ['clflush size', 64],
      ['cache_alignment', 64],
      ['address sizes', f.vendor === 'GenuineIntel' ? '46 bits physical, 48 bits virtual' : '48 bits physical, 48 bits virtual'],
      ['power management', ''],
    ];
    const filtered = f.vendor === 'GenuineIntel' ? rows.filter(([k]) => k !== 'TLB size') : rows;
    blocks.push(filtered.map(([k, v]) => cpuinfoLine(k, v)).join('\n'));
  }
  return `${blocks.join('\n\n')}\n\n`;
}

/** `key<TAB(s)>: value`, aligned on the 16th column as the kernel does; an empty value leaves just `key:`. */
function cpuinfoLine(key: string, value: string | number): string {
  const sep = key.length >= 16 ? '' : key.length < 8 ? '\t\t' : '\t';
  return value === '' ? `${key}${sep}:` : `${key}${sep}: ${value}`;
}
