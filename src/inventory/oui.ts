import { createRequire } from 'node:module';

/** MAC vendor lookup from the IEEE registries (MA-L, MA-M, MA-S) shipped in `oui-data`. */
export interface MacInfo {
  mac: string;
  vendor: string | null;
  /** Locally administered (the 0x02 bit of the first octet): randomised or virtual, no vendor registered. */
  private: boolean;
}

let table: Record<string, string> | null = null;

function load(): Record<string, string> {
  // 5 MB of JSON: loaded on first use only, so commands that never look up a vendor start fast.
  table ??= createRequire(import.meta.url)('oui-data') as Record<string, string>;
  return table;
}

/** `aa:bb:cc:dd:ee:ff` lower-case, from colon, dash, dot (Cisco) or bare forms; null when not a MAC. */
export function normalizeMac(mac: string): string | null {
  const hex = mac.trim().toLowerCase().replace(/[:.\-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  if (!/^([0-9a-f]{2}[:\-.]?){5}[0-9a-f]{2}$|^([0-9a-f]{4}\.){2}[0-9a-f]{4}$/.test(mac.trim().toLowerCase())) return null;
  return hex.match(/../g)!.join(':');
}

export function isPrivateMac(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 0x02) !== 0;
}

export function lookupMac(mac: string): MacInfo | null {
  const norm = normalizeMac(mac);
  if (!norm) return null;
  if (isPrivateMac(norm)) return { mac: norm, vendor: null, private: true };
  const hex = norm.replace(/:/g, '').toUpperCase();
  const t = load();
  const entry = t[hex.slice(0, 9)] ?? t[hex.slice(0, 7)] ?? t[hex.slice(0, 6)];
  return { mac: norm, vendor: entry ? entry.split('\n')[0]!.trim() : null, private: false };
}
