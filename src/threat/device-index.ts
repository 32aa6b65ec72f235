import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** An inventory device as a detection names it. */
export interface InternalDevice {
  id: number;
  ip: string;
  hostname: string | null;
  mac: string | null;
  vendor: string | null;
  first_seen: string | null;
}

/**
 * Our own devices by IP, so each event is checked against the inventory with a map lookup instead of a query.
 * The inventory is small (a LAN); the whole index is reloaded when a `device.*` event says it changed.
 */
export class DeviceIndex {
  private byIp = new Map<string, InternalDevice>();
  private stale = true;

  constructor(private readonly db: Kysely<Database>) {}

  markStale(): void {
    this.stale = true;
  }

  async refreshIfStale(): Promise<void> {
    if (!this.stale) return;
    this.stale = false;
    const rows = await this.db.selectFrom('devices').select(['id', 'ip', 'hostname', 'mac', 'vendor', 'first_seen']).execute();
    const m = new Map<string, InternalDevice>();
    for (const r of rows) m.set(r.ip, { id: Number(r.id), ip: r.ip, hostname: r.hostname, mac: r.mac, vendor: r.vendor, first_seen: r.first_seen === null ? null : new Date(Number(r.first_seen)).toISOString() });
    this.byIp = m;
  }

  get(ip: string): InternalDevice | undefined {
    return this.byIp.get(ip);
  }

  get size(): number {
    return this.byIp.size;
  }
}
