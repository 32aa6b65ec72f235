/**
 * Registers the algorithms ssh2 1.17 lacks, through the hooks scripts/patch-ssh2.mjs adds to it (see there for
 * why a patch is needed): the sntrup761x25519-sha512 key exchange (both names) and the four UMAC MACs. The patch
 * also lets an explicit `serverHostKey` list leave out ssh-rsa. Installing is idempotent and process-wide (it
 * changes ssh2's module state); without the hooks nothing is registered and the status says why, so callers
 * can keep those algorithms as gaps instead of failing.
 */
import { sntrupKexFactory } from './ssh2-sntrup-kex.js';
import { loadSsh2Internals } from './ssh2-internals.js';
import { sshUmacFactory } from './ssh2-umac-mac.js';

export const SSH2_EXTENSION_ALGORITHMS = {
  kex: ['sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com'],
  mac: ['umac-64-etm@openssh.com', 'umac-128-etm@openssh.com', 'umac-64@openssh.com', 'umac-128@openssh.com'],
} as const;

export type Ssh2ExtensionStatus = { installed: true } | { installed: false; reason: string };

/** MAC name -> ssh2 MAC_INFO entry: UMAC-AES-128 takes a 16-byte key; the sslName keys MAC_EXTENSIONS. */
const UMAC_INFO = {
  'umac-64-etm@openssh.com': { sslName: 'umac-64', len: 16, actualLen: 8, isETM: true },
  'umac-128-etm@openssh.com': { sslName: 'umac-128', len: 16, actualLen: 16, isETM: true },
  'umac-64@openssh.com': { sslName: 'umac-64', len: 16, actualLen: 8, isETM: false },
  'umac-128@openssh.com': { sslName: 'umac-128', len: 16, actualLen: 16, isETM: false },
} as const;

let status: Ssh2ExtensionStatus | undefined;

export function installSsh2Extensions(): Ssh2ExtensionStatus {
  if (status) return status;
  try {
    const ssh2 = loadSsh2Internals();
    const kex = sntrupKexFactory();
    for (const name of SSH2_EXTENSION_ALGORITHMS.kex) ssh2.kexExtensions.set(name, kex);
    ssh2.macExtensions.set('umac-64', sshUmacFactory(8));
    ssh2.macExtensions.set('umac-128', sshUmacFactory(16));
    for (const [name, info] of Object.entries(UMAC_INFO)) ssh2.macInfo[name] = { ...info };
    const add = (list: string[], names: readonly string[]) => list.push(...names.filter((n) => !list.includes(n)));
    add(ssh2.supportedKex, SSH2_EXTENSION_ALGORITHMS.kex);
    add(ssh2.supportedMac, SSH2_EXTENSION_ALGORITHMS.mac);
    status = { installed: true };
  } catch (err) {
    status = { installed: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return status;
}
