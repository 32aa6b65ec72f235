import type { LnmtConfig } from '../../core/config/schema.js';

export type ScannerConfig = LnmtConfig['scanner'];

/** Liveness of one address as the probes saw it. */
export interface ProbeResult {
  ip: string;
  up: boolean;
  /** Method that answered first: `icmp`, `tcp:<port>`, `arp`, `ndp`. */
  method: string | null;
  rtt_ms: number | null;
  mac: string | null;
  hostname: string | null;
}

/** One stored result of a scan, as shown by the CLI and the API. */
export interface HostResult extends ProbeResult {
  vendor: string | null;
  mac_private: boolean;
  /** Answered from the status cache, without probing. */
  cached: boolean;
  device_id: number | null;
}

export interface ScanProgress {
  done: number;
  total: number;
  up: number;
}

export interface ProbeCallbacks {
  onResult?: (r: ProbeResult) => void;
  onProgress?: (p: ScanProgress) => void;
  onNotice?: (message: string) => void;
}
