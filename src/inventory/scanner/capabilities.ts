import { readFileSync } from 'node:fs';

const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;

function effectiveCaps(): bigint {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    return 0n;
  }
}

/** What this process may do to the network stack (Linux capabilities; root has them all). */
export function netCapabilities(): { raw: boolean; admin: boolean } {
  const caps = effectiveCaps();
  return { raw: (caps & (1n << CAP_NET_RAW)) !== 0n, admin: (caps & (1n << CAP_NET_ADMIN)) !== 0n };
}
