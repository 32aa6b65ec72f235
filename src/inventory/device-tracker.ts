import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import { LnmtError } from '../core/errors.js';
import { makeEvent, type AnyEvent, type DeviceRef, type DeviceStatus, type EventPayloads } from '../core/events.js';
import { ipVersion, normalizeIp } from '../core/ip.js';
import { BatchWriter } from '../store/batch-writer.js';
import type { DevicePatch, DeviceRepo, StatusUpdate } from '../store/repositories/device-repo.js';
import type { DeviceRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { DeviceIndex, type IndexEntry } from './device-index.js';
import { lookupMac, normalizeMac } from './oui.js';

export type { IndexEntry };

/** Without a change signal from the store (PostgreSQL), reload the index when it is older than this. */
const RELOAD_MS = 5000;

/** What a probe learned about one address. */
export interface HostObservation {
  ip: string;
  up: boolean;
  method: string | null;
  rtt_ms: number | null;
  mac?: string | null | undefined;
  hostname?: string | null | undefined;
  time: number;
  scan_id: string | null;
}

export interface RecordOutcome {
  discovered: number;
  came_online: number;
  went_offline: number;
  changed: number;
}

export interface DeviceTrackerDeps {
  store: Store;
  devices: DeviceRepo;
  bus: EventBus;
  sensor: string;
  batch: { maxSize: number; maxDelayMs: number };
  onBatch?: (writer: string, size: number, seconds: number, ok: boolean) => void;
  logger?: Logger;
}

/**
 * The device registry's single writer. Observations from scans (and later, checks) go through a batched writer:
 * one transaction per batch, then the events it implies — `device.discovered`, `device.state_changed`,
 * `device.changed` — are published. Manual edits from the API and CLI go through here too so they emit events.
 */
export class DeviceTracker {
  private index = new DeviceIndex();
  /** SQLite's data_version when the index was last known to match the store (changes on other processes' commits). */
  private storeVersion: number | null = null;
  private loadedAt = 0;
  private readonly writer: BatchWriter<{ obs: HostObservation; outcome: RecordOutcome }>;
  private loaded = false;
  private gen = 0;

  constructor(private readonly deps: DeviceTrackerDeps) {
    this.writer = new BatchWriter({
      name: 'device_observations',
      maxSize: deps.batch.maxSize,
      maxDelayMs: deps.batch.maxDelayMs,
      flush: (items) => this.applyBatch(items),
      ...(deps.onBatch ? { onBatch: deps.onBatch } : {}),
    });
  }

  /**
   * Loads the index, or reloads it when the store changed under it: another process (a CLI command next to
   * `serve`) added, removed or scanned devices. On SQLite `data_version` tells exactly, for microseconds; on
   * PostgreSQL, which has no such signal, the index is reloaded when older than `RELOAD_MS`.
   */
  init(): Promise<void> {
    return this.writer.exclusive(() => this.sync()); // never while a batch is editing the index
  }

  private async sync(): Promise<void> {
    const version = this.deps.store.dataVersion?.() ?? null;
    if (this.loaded && (version === null ? Date.now() - this.loadedAt < RELOAD_MS : version === this.storeVersion)) return;
    await this.reload();
  }

  /** Builds a fresh index and swaps it in: readers never see a half-built or empty one. */
  private async reload(): Promise<void> {
    const next = new DeviceIndex();
    const version = this.deps.store.dataVersion?.() ?? null;
    for (const r of await this.deps.devices.allForIndex()) next.put({ ...r });
    this.index = next;
    this.storeVersion = version;
    this.loadedAt = Date.now();
    this.loaded = true;
  }

  get size(): number {
    return this.index.size;
  }

  get writeQueueDepth(): number {
    return this.writer.depth;
  }

  /**
   * Bumped after every committed write made through this tracker (observations, add, patch, remove), so readers
   * (the API's response cache) can tell cheaply whether the device tables may have changed.
   */
  get generation(): number {
    return this.gen;
  }

  /** The status cache: the last answer for an address if it is younger than `ttlMs`. */
  cached(ip: string, ttlMs: number, now = Date.now()): IndexEntry | null {
    if (ttlMs <= 0) return null;
    const e = this.index.get(ip);
    return e && e.last_checked !== null && now - e.last_checked < ttlMs && e.status !== 'unknown' ? e : null;
  }

  entry(ip: string): IndexEntry | undefined {
    return this.index.get(ip);
  }

  /** Records observations; resolves when they are committed and their events published. */
  async observe(observations: HostObservation[]): Promise<RecordOutcome> {
    const outcome: RecordOutcome = { discovered: 0, came_online: 0, went_offline: 0, changed: 0 };
    if (observations.length === 0) return outcome;
    await this.writer.write(observations.map((obs) => ({ obs, outcome })));
    return outcome;
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  private async applyBatch(items: Array<{ obs: HostObservation; outcome: RecordOutcome }>): Promise<void> {
    await this.sync(); // catch up with other processes' writes first (batches run one at a time)
    const events: AnyEvent[] = [];
    const sensor = this.deps.sensor;
    const ev = <T extends keyof EventPayloads>(type: T, data: EventPayloads[T], time: number) => events.push(makeEvent(type, data, { sensor, now: time }) as AnyEvent);
    const upIps = new Set(items.filter((i) => i.obs.up).map((i) => i.obs.ip));
    const updates: StatusUpdate[] = [];

    await this.deps.store.db.transaction().execute(async (trx) => {
      for (const { obs, outcome } of items) {
        const mac = obs.mac ? normalizeMac(obs.mac) : null;
        const macInfo = mac ? lookupMac(mac) : null;
        let cur = this.index.get(obs.ip);
        if (!cur && obs.up && mac) {
          // Same MAC at a new address of the same family while its old address is silent (offline, or not
          // answering in this batch): the device moved (DHCP renumbering). A dual-stack host's IPv4 and IPv6
          // addresses share a MAC and stay two devices.
          const moved = this.index.byMac(mac, ipVersion(obs.ip));
          if (moved && moved.status !== 'online' && !upIps.has(moved.ip)) {
            const from = moved.ip;
            await this.deps.devices.update(moved.id, { ip: obs.ip }, trx, obs.time);
            this.index.setIp(moved, obs.ip);
            ev('device.changed', { device: refOf(moved), changes: [{ field: 'ip', from, to: obs.ip }], scan_id: obs.scan_id }, obs.time);
            outcome.changed++;
            cur = moved;
          }
        }
        if (!cur) {
          if (!obs.up) continue; // a silent address we never saw is not a device
          const row = await this.deps.devices.insert(
            {
              ip: obs.ip, mac, vendor: macInfo?.vendor ?? null, mac_private: macInfo?.private ? 1 : 0, hostname: obs.hostname ?? null,
              status: 'online', rtt_ms: obs.rtt_ms, method: obs.method, source: 'scan', first_seen: obs.time, last_seen: obs.time, last_checked: obs.time,
            },
            trx,
            obs.time,
          );
          const entry = indexOf(row);
          this.index.put(entry);
          updates.push({ device_id: row.id, status: 'online', rtt_ms: obs.rtt_ms, method: obs.method, time: obs.time, seen: true, scan_id: obs.scan_id, changed: false });
          ev('device.discovered', { device: refOf(entry), method: obs.method ?? 'unknown', rtt_ms: obs.rtt_ms, scan_id: obs.scan_id }, obs.time);
          outcome.discovered++;
          continue;
        }
        const entry = this.index.get(obs.ip)!;
        const changes: EventPayloads['device.changed']['changes'] = [];
        const patch: DevicePatch = {};
        if (obs.up && mac && mac !== entry.mac) {
          changes.push({ field: 'mac', from: entry.mac, to: mac });
          patch.mac = mac;
          patch.mac_private = macInfo?.private ? 1 : 0;
          if ((macInfo?.vendor ?? null) !== entry.vendor) {
            changes.push({ field: 'vendor', from: entry.vendor, to: macInfo?.vendor ?? null });
            patch.vendor = macInfo?.vendor ?? null;
          }
        }
        if (obs.up && obs.hostname && obs.hostname !== entry.hostname) {
          changes.push({ field: 'hostname', from: entry.hostname, to: obs.hostname });
          patch.hostname = obs.hostname;
        }
        if (changes.length > 0) {
          await this.deps.devices.update(entry.id, patch, trx, obs.time);
          if (patch.mac !== undefined) this.index.setMac(entry, patch.mac);
          if (patch.vendor !== undefined) entry.vendor = patch.vendor;
          if (patch.hostname !== undefined) entry.hostname = patch.hostname;
          ev('device.changed', { device: refOf(entry), changes, scan_id: obs.scan_id }, obs.time);
          outcome.changed++;
        }
        const next: DeviceStatus = obs.up ? 'online' : 'offline';
        const changed = next !== entry.status;
        if (changed) {
          ev('device.state_changed', { device: refOf(entry), previous: entry.status, current: next, method: obs.method, rtt_ms: obs.rtt_ms, scan_id: obs.scan_id }, obs.time);
          if (next === 'online') outcome.came_online++;
          else outcome.went_offline++;
        }
        entry.status = next;
        entry.last_checked = obs.time;
        if (obs.up) {
          entry.rtt_ms = obs.rtt_ms;
          entry.method = obs.method;
        }
        updates.push({ device_id: entry.id, status: next, rtt_ms: obs.rtt_ms, method: obs.method, time: obs.time, seen: obs.up, scan_id: obs.scan_id, changed });
      }
      await this.deps.devices.applyStatusUpdates(updates, trx);
    }).catch(async (err) => {
      // The index is edited in place as the batch is applied; the transaction rolled back, so rebuild it from
      // the store: memory never runs ahead of disk.
      await this.reload().catch(() => {});
      throw new LnmtError('LNMT_ERR_STORE', 'writing device observations failed', { cause: err });
    });
    this.gen++;
    if (events.length > 0) await this.deps.bus.publish(events);
  }

  /** Manual add (API/CLI). Rejects duplicates and bad fields with the field named. */
  add(input: { ip: string; mac?: string | null; hostname?: string | null; name?: string | null; notes?: string | null }, where = 'body', by: 'api' | 'cli' | 'config' = where === 'body' ? 'api' : 'cli'): Promise<DeviceRow> {
    // Between batches: a scan batch committing meanwhile could add this IP, or edit the index under us.
    return this.writer.exclusive(() => this.addNow(input, where, by));
  }

  private async addNow(input: { ip: string; mac?: string | null; hostname?: string | null; name?: string | null; notes?: string | null }, where: string, by: 'api' | 'cli' | 'config'): Promise<DeviceRow> {
    await this.sync();
    const ip = normalizeIp(input.ip);
    if (!ip) throw new LnmtError('LNMT_ERR_VALIDATION', `"${input.ip}" is not an IP address`, { details: [{ where: `${where}.ip`, value: input.ip, message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' }] });
    let macInfo = null;
    if (input.mac) {
      macInfo = lookupMac(input.mac);
      if (!macInfo) throw new LnmtError('LNMT_ERR_VALIDATION', `"${input.mac}" is not a MAC address`, { details: [{ where: `${where}.mac`, value: input.mac, message: 'not a MAC address', allowed: 'six hex octets, e.g. 00:11:22:aa:bb:cc' }] });
    }
    if (this.index.has(ip)) throw new LnmtError('LNMT_ERR_CONFLICT', `a device with IP ${ip} already exists (id ${this.index.get(ip)!.id})`, { details: [{ where: `${where}.ip`, value: ip, message: 'already in the inventory' }] });
    const now = Date.now();
    const row = await this.deps.devices.insert({
      ip, mac: macInfo?.mac ?? null, vendor: macInfo?.vendor ?? null, mac_private: macInfo?.private ? 1 : 0,
      hostname: input.hostname ?? null, name: input.name ?? null, notes: input.notes ?? null, source: 'manual', status: 'unknown',
    }, undefined, now);
    this.gen++;
    this.index.put(indexOf(row));
    await this.deps.bus.publish([makeEvent('device.added', { device: refOf(row), by }, { sensor: this.deps.sensor }) as AnyEvent]);
    return row;
  }

  /** Manual edit. IP/MAC/hostname changes emit `device.changed`. */
  patch(id: number, input: { ip?: string; mac?: string | null; hostname?: string | null; name?: string | null; notes?: string | null }, where = 'body'): Promise<DeviceRow> {
    return this.writer.exclusive(() => this.patchNow(id, input, where));
  }

  private async patchNow(id: number, input: { ip?: string; mac?: string | null; hostname?: string | null; name?: string | null; notes?: string | null }, where: string): Promise<DeviceRow> {
    await this.sync();
    const row = await this.deps.devices.get(id);
    if (!row) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no device with id ${id}`);
    const patch: DevicePatch = {};
    const changes: EventPayloads['device.changed']['changes'] = [];
    if (input.ip !== undefined) {
      const ip = normalizeIp(input.ip);
      if (!ip) throw new LnmtError('LNMT_ERR_VALIDATION', `"${input.ip}" is not an IP address`, { details: [{ where: `${where}.ip`, value: input.ip, message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' }] });
      const other = this.index.get(ip);
      if (other && other.id !== id) throw new LnmtError('LNMT_ERR_CONFLICT', `IP ${ip} already belongs to device ${other.id}`, { details: [{ where: `${where}.ip`, value: ip, message: 'already in the inventory' }] });
      if (ip !== row.ip) {
        patch.ip = ip;
        changes.push({ field: 'ip', from: row.ip, to: ip });
      }
    }
    if (input.mac !== undefined) {
      const info = input.mac === null ? null : lookupMac(input.mac);
      if (input.mac !== null && !info) throw new LnmtError('LNMT_ERR_VALIDATION', `"${input.mac}" is not a MAC address`, { details: [{ where: `${where}.mac`, value: input.mac, message: 'not a MAC address', allowed: 'six hex octets, e.g. 00:11:22:aa:bb:cc, or null' }] });
      const mac = info?.mac ?? null;
      if (mac !== row.mac) {
        patch.mac = mac;
        patch.vendor = info?.vendor ?? null;
        patch.mac_private = info?.private ? 1 : 0;
        changes.push({ field: 'mac', from: row.mac, to: mac });
      }
    }
    if (input.hostname !== undefined && input.hostname !== row.hostname) {
      patch.hostname = input.hostname;
      changes.push({ field: 'hostname', from: row.hostname, to: input.hostname });
    }
    if (input.name !== undefined) patch.name = input.name;
    if (input.notes !== undefined) patch.notes = input.notes;
    if (Object.keys(patch).length === 0) return row;
    const updated = (await this.deps.devices.update(id, patch))!;
    this.gen++;
    this.index.remove(row.ip);
    this.index.put(indexOf(updated));
    if (changes.length > 0) await this.deps.bus.publish([makeEvent('device.changed', { device: refOf(updated), changes, scan_id: null }, { sensor: this.deps.sensor }) as AnyEvent]);
    return updated;
  }

  remove(id: number): Promise<DeviceRow> {
    return this.writer.exclusive(() => this.removeNow(id));
  }

  private async removeNow(id: number): Promise<DeviceRow> {
    await this.sync();
    const row = await this.deps.devices.delete(id);
    if (!row) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no device with id ${id}`);
    this.gen++;
    this.index.remove(row.ip);
    await this.deps.bus.publish([makeEvent('device.removed', { device: refOf(row) }, { sensor: this.deps.sensor }) as AnyEvent]);
    return row;
  }
}

function indexOf(r: Pick<DeviceRow, 'id' | 'ip' | 'mac' | 'vendor' | 'hostname' | 'status' | 'rtt_ms' | 'method' | 'last_checked'>): IndexEntry {
  return { id: r.id, ip: r.ip, mac: r.mac, vendor: r.vendor, hostname: r.hostname, status: r.status, rtt_ms: r.rtt_ms, method: r.method, last_checked: r.last_checked };
}

function refOf(e: { id: number; ip: string; mac: string | null; vendor: string | null; hostname: string | null }): DeviceRef {
  return { id: e.id, ip: e.ip, mac: e.mac, vendor: e.vendor, hostname: e.hostname };
}

