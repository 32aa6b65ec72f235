import type { Machine } from '../../system/machine.js';
import { hash32 } from '../../system/seeded-random.js';
import type { TreeBuilder } from '../tree-builder.js';

/** An executable the base tree holds, and the registry command it runs. */
export interface BinarySpec {
  path: string;
  command: string;
}

/** Sizes (bytes) of common binaries on a current Debian/Ubuntu amd64 install; others get a stable guess. */
const KNOWN_SIZES: Record<string, number> = {
  bash: 1_265_648, ls: 151_344, cat: 43_920, cp: 151_152, mv: 147_056, rm: 72_752, mkdir: 92_304, chmod: 64_368,
  chown: 72_624, echo: 35_632, grep: 194_952, head: 47_856, tail: 68_400, ps: 150_112, top: 134_736, id: 47_856,
  uname: 35_664, wget: 502_104, curl: 276_344, ip: 796_888, ssh: 904_632, sudo: 281_624, su: 72_000, passwd: 68_248,
  busybox: 1_120_304, systemctl: 284_384, mount: 59_704, df: 93_984, free: 31_296, ping: 89_768, dash: 125_640,
  python3: 6_831_736, perl: 3_958_528, apt: 18_824, 'apt-get': 27_016, crontab: 47_640, w: 23_440,
};

function sizeOf(name: string): number {
  return KNOWN_SIZES[name] ?? 23_000 + (hash32(name) % 180_000);
}

/** A short ELF header stand-in for a binary's bytes (what `cat /bin/ls | head -c 4` shows). */
const ELF_STUB = '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0';

/**
 * /usr/bin and /usr/sbin with the registry's commands, and the merged-/usr links (`/bin -> usr/bin`) of
 * Debian 12 and Ubuntu.
 */
export function addBinaries(b: TreeBuilder, m: Machine, binaries: readonly BinarySpec[]): void {
  const t = m.installTime - 20 * 86_400_000;
  b.dir('/usr/bin', { mtime: m.installTime + 86_400_000 });
  b.dir('/usr/sbin', { mtime: m.installTime + 86_400_000 });
  b.dir('/usr/lib', { mtime: m.installTime });
  b.dir('/usr/lib64');
  for (const { path, command } of binaries) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const setuid = ['sudo', 'su', 'passwd', 'mount', 'umount', 'chsh', 'newgrp'].includes(name);
    b.file(path, ELF_STUB, {
      mode: setuid ? 0o4755 : 0o755,
      size: sizeOf(name),
      command,
      mtime: t - (hash32(name) % 200) * 86_400_000,
      ...(name === 'crontab' ? { mode: 0o2755, gid: m.groups.find((g) => g.name === 'crontab')?.gid ?? 0 } : {}),
    });
  }
  b.link('/usr/bin/sh', 'dash');
  b.link('/bin', 'usr/bin');
  b.link('/sbin', 'usr/sbin');
  b.link('/lib', 'usr/lib');
  b.link('/lib64', 'usr/lib64');
}
