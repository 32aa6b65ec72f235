import type { DeviceStatus } from '../core/events.js';
import { ipVersion } from '../core/ip.js';

/** The in-memory view of one device: the tracker's index and the status cache. */
export interface IndexEntry {
  id: number;
  ip: string;
  mac: string | null;
  vendor: string | null;
  hostname: string | null;
  status: DeviceStatus;
  rtt_ms: number | null;
  method: string | null;
  last_checked: number | null;
}

/**
 * Devices by IP and by MAC. Entries are edited through `setIp`/`setMac` so both maps stay in step; a MAC
 * lookup is O(1), which matters when a /16 is discovered (a scan over every entry per new MAC was O(n²)).
 */
export class DeviceIndex {
  private readonly ips = new Map<string, IndexEntry>();
  private readonly macs = new Map<string, Set<IndexEntry>>();

  get size(): number {
    return this.ips.size;
  }

  get(ip: string): IndexEntry | undefined {
    return this.ips.get(ip);
  }

  has(ip: string): boolean {
    return this.ips.has(ip);
  }

  put(e: IndexEntry): void {
    const old = this.ips.get(e.ip);
    if (old) this.remove(old.ip);
    this.ips.set(e.ip, e);
    if (e.mac) this.macSet(e.mac).add(e);
  }

  remove(ip: string): void {
    const e = this.ips.get(ip);
    if (!e) return;
    this.ips.delete(ip);
    if (e.mac) this.dropMac(e.mac, e);
  }

  setIp(e: IndexEntry, ip: string): void {
    this.ips.delete(e.ip);
    e.ip = ip;
    this.ips.set(ip, e);
  }

  setMac(e: IndexEntry, mac: string | null): void {
    if (e.mac) this.dropMac(e.mac, e);
    e.mac = mac;
    if (mac) this.macSet(mac).add(e);
  }

  /** A device with this MAC in the given address family (a dual-stack host has one per family). */
  byMac(mac: string, family: 4 | 6): IndexEntry | undefined {
    for (const e of this.macs.get(mac) ?? []) if (ipVersion(e.ip) === family) return e;
    return undefined;
  }

  clear(): void {
    this.ips.clear();
    this.macs.clear();
  }

  private macSet(mac: string): Set<IndexEntry> {
    let s = this.macs.get(mac);
    if (!s) this.macs.set(mac, (s = new Set()));
    return s;
  }

  private dropMac(mac: string, e: IndexEntry): void {
    const s = this.macs.get(mac);
    s?.delete(e);
    if (s?.size === 0) this.macs.delete(mac);
  }
}
