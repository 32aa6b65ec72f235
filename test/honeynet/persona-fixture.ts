/** A fixed persona for runtime and service tests (installs get generated ones). */
import type { Persona } from '../../src/honeynet/persona/persona.js';
import { generatePersonaTls } from '../../src/honeynet/persona/persona-tls.js';

export const TEST_PERSONA: Persona = {
  version: 1, id: 'p1', createdAt: '2026-01-01T00:00:00Z', hostname: 'fs01', domain: '',
  os: { id: 'debian', name: 'Debian GNU/Linux', version: '12 (bookworm)', versionId: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)', debianVersion: '12.7' },
  kernel: { release: '6.1.0-26-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)', arch: 'x86_64' },
  ssh: { versionString: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' },
  hardware: { cpuModel: 'Intel Xeon Processor (Cascadelake)', cores: 4, memoryKb: 8_152_000, diskGb: 80 },
  network: { iface: 'ens18', ip: '10.20.30.40', prefix: 24, gateway: '10.20.30.1', mac: 'bc:24:11:aa:bb:cc' },
  users: [{ name: 'marta', uid: 1000, gid: 1000, gecos: 'Marta,,,', home: '/home/marta', shell: '/bin/bash', groups: ['sudo'] }],
  machineId: '4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e', bootTime: Date.now() - 30 * 86_400_000,
  hostKeys: { ed25519: '', ecdsa: '', rsa: '' },
};
// Certificates like an install's (HTTPS, xrdp): made once per test process.
TEST_PERSONA.tls = generatePersonaTls(TEST_PERSONA);
