import type { ProbeCallbacks, ProbeResult, ScannerConfig } from './scan-types.js';

/** Probes every address; resolves with one result per address. (Engine being written.) */
export async function discover(ips: readonly string[], _cfg: ScannerConfig, cb: ProbeCallbacks & { signal?: AbortSignal }): Promise<ProbeResult[]> {
  const out = ips.map((ip) => ({ ip, up: false, method: null, rtt_ms: null, mac: null, hostname: null }));
  for (const r of out) cb.onResult?.(r);
  return out;
}
