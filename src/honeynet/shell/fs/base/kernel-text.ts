import type { Persona } from '../../../persona/persona.js';

/** Toolchain strings the distribution kernels are built with, by release. */
const TOOLCHAINS: Record<string, string> = {
  'debian:11': 'gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2',
  'debian:12': 'gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40',
  'debian:13': 'gcc-14 (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44',
  'ubuntu:20.04': 'gcc (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0, GNU ld (GNU Binutils for Ubuntu) 2.34',
  'ubuntu:22.04': 'x86_64-linux-gnu-gcc-12 (Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0, GNU ld (GNU Binutils for Ubuntu) 2.38',
  'ubuntu:24.04': 'x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42',
};

/** `/proc/version`. */
export function procVersionText(persona: Persona): string {
  const key = `${persona.os.id}:${persona.os.versionId}`;
  const toolchain = TOOLCHAINS[key] ?? (persona.os.id === 'debian' ? TOOLCHAINS['debian:12']! : TOOLCHAINS['ubuntu:24.04']!);
  const builder = persona.os.id === 'debian' ? 'debian-kernel@lists.debian.org' : 'buildd@lcy02-amd64-080';
  return `Linux version ${persona.kernel.release} (${builder}) (${toolchain}) ${persona.kernel.version}\n`;
}

/** The kernel command line (`/proc/cmdline`). */
export function procCmdlineText(persona: Persona, rootUuid: string): string {
  const image = persona.os.id === 'debian' ? `/boot/vmlinuz-${persona.kernel.release}` : `/boot/vmlinuz-${persona.kernel.release}`;
  return `BOOT_IMAGE=${image} root=UUID=${rootUuid} ro quiet\n`;
}
