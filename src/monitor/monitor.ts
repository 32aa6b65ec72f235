import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import type { MonitorConfig } from '../core/config/sections/monitor.js';
import { LnmtError } from '../core/errors.js';
import type { DeviceRef } from '../core/events.js';
import type { CheckRepo } from '../store/repositories/check-repo.js';
import { rowToDefinition } from '../store/repositories/check-repo.js';
import type { CheckResultRepo } from '../store/repositories/check-result-repo.js';
import type { DeviceRepo } from '../store/repositories/device-repo.js';
import type { RollupRepo } from '../store/repositories/rollup-repo.js';
import type { StateRepo } from '../store/repositories/state-repo.js';
import type { Store } from '../store/store.js';
import type { CheckRow } from '../store/tables/monitor.js';
import { patchCheck, resolveCheck, type CheckInput, type CheckPatch, type SpecDeps } from './check-spec.js';
import type { CheckDeps, CheckDevice, CheckType } from './check-type.js';
import { HistoryService } from './history.js';
import type { CheckBatchSummary, CheckFilter, MaintenanceSummary, MonitorControl } from './monitor-control.js';
import { MonitorService } from './monitor-service.js';
import { maintain, type RollupOptions } from './rollup.js';
import { openSharedPinger, type SharedPinger } from './shared-pinger.js';

export interface MonitorDeps {
  store: Store;
  repos: { checks: CheckRepo; results: CheckResultRepo; rollups: RollupRepo; state: StateRepo; devices: DeviceRepo };
  bus: EventBus;
  sensor: string;
  config: MonitorConfig;
  checkType(name: string): CheckType;
  logger: Logger;
  batch: { maxSize: number; maxDelayMs: number };
  onBatch?: (name: string, size: number, seconds: number, ok: boolean) => void;
  now?: () => number;
  reloadEveryMs?: number;
}

/**
 * The health monitor as the rest of LNMT sees it: check definitions (validated once, for the API and the CLI
 * alike), the scheduling loop, on-demand batches, rollups/retention and the history queries.
 */
export class Monitor implements MonitorControl {
  readonly service: MonitorService;
  readonly history: HistoryService;
  private pinger: SharedPinger | null = null;
  private pingUnavailable: string | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: MonitorDeps) {
    this.now = deps.now ?? Date.now;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const checkDeps: CheckDeps = {
      // The raw ICMP socket opens with the first ICMP check; when it cannot, `ping` is null and the reason is given.
      get ping() {
        const p = self.sharedPinger();
        return p ? p.ping : null;
      },
      get pingUnavailable() {
        return self.pingUnavailable ?? 'raw ICMP sockets are not available';
      },
      device: (id) => this.checkDevice(id),
      now: this.now,
    };
    this.service = new MonitorService({
      store: deps.store,
      checks: deps.repos.checks,
      results: deps.repos.results,
      bus: deps.bus,
      sensor: deps.sensor,
      config: deps.config,
      checkType: deps.checkType,
      checkDeps,
      deviceRef: (id) => this.deviceRef(id),
      logger: deps.logger,
      batch: deps.batch,
      ...(deps.onBatch ? { onBatch: deps.onBatch } : {}),
      now: this.now,
      ...(deps.reloadEveryMs !== undefined ? { reloadEveryMs: deps.reloadEveryMs } : {}),
    });
    this.history = new HistoryService({ rollups: deps.repos.rollups, retention: deps.config.retention, now: this.now });
  }

  /** The raw ICMP socket is opened on the first ICMP check, once per process. */
  private sharedPinger(): SharedPinger | null {
    if (this.pinger || this.pingUnavailable) return this.pinger;
    const opened = openSharedPinger();
    if (opened.ping === null) this.pingUnavailable = (opened as { reason: string }).reason;
    else this.pinger = opened as SharedPinger;
    return this.pinger;
  }

  private async checkDevice(id: number): Promise<CheckDevice | null> {
    const d = await this.deps.repos.devices.get(id);
    if (!d) return null;
    const n = (v: number | null) => (v === null ? null : Number(v));
    return { id: Number(d.id), ip: d.ip, status: d.status, lastSeen: n(d.last_seen), lastChecked: n(d.last_checked), rttMs: n(d.rtt_ms) };
  }

  private async deviceRef(id: number): Promise<DeviceRef | null> {
    const d = await this.deps.repos.devices.get(id);
    return d ? { id: Number(d.id), ip: d.ip, mac: d.mac, vendor: d.vendor, hostname: d.hostname } : null;
  }

  private specDeps(): SpecDeps {
    return {
      checkType: this.deps.checkType,
      device: async (id) => {
        const d = await this.deps.repos.devices.get(id);
        return d ? { id: Number(d.id), ip: d.ip } : null;
      },
      defaults: this.deps.config.defaults,
    };
  }

  /** Validates and stores a new check; a running loop schedules it at once. `prefix` names fields (`body.`). */
  async create(input: CheckInput, prefix = ''): Promise<CheckRow> {
    const def = await resolveCheck(input, this.specDeps(), prefix);
    await this.assertNameFree(def.name, prefix);
    const row = await this.deps.repos.checks.insert(def, this.now());
    await this.service.refresh(row.id);
    return row;
  }

  async update(idOrName: string, patch: CheckPatch, prefix = ''): Promise<CheckRow> {
    const current = await this.find(idOrName);
    const def = await patchCheck(rowToDefinition(current), patch, this.specDeps(), prefix);
    if (def.name !== current.name) await this.assertNameFree(def.name, prefix, current.id);
    const row = (await this.deps.repos.checks.update(current.id, def, this.now()))!;
    await this.service.refresh(row.id);
    return row;
  }

  async remove(idOrName: string): Promise<CheckRow> {
    const current = await this.find(idOrName);
    await this.deps.repos.checks.remove(current.id);
    this.service.forget(current.id);
    return current;
  }

  async find(idOrName: string): Promise<CheckRow> {
    const row = await this.deps.repos.checks.find(idOrName);
    if (!row) throw new LnmtError('LNMT_ERR_NOT_FOUND', `no check with id or name "${idOrName}"`, { details: [{ where: 'check', value: idOrName, message: 'not found', allowed: 'a check id or name (lnmt checks list)' }] });
    return row;
  }

  private async assertNameFree(name: string, prefix: string, exceptId?: string): Promise<void> {
    if (await this.deps.repos.checks.nameTaken(name, exceptId)) {
      throw new LnmtError('LNMT_ERR_CONFLICT', `a check named "${name}" already exists`, { details: [{ where: `${prefix}name`, value: name, message: 'name in use', allowed: 'a name no other check has' }] });
    }
  }

  runChecks(filter: CheckFilter, signal?: AbortSignal): Promise<CheckBatchSummary> {
    return this.service.runChecks(filter, signal);
  }

  maintain(signal?: AbortSignal, opts: RollupOptions = {}): Promise<MaintenanceSummary> {
    return maintain(
      { store: this.deps.store, results: this.deps.repos.results, rollups: this.deps.repos.rollups, state: this.deps.repos.state, retention: this.deps.config.retention, now: this.now },
      { ...opts, ...(signal ? { signal } : {}) },
    );
  }

  async start(): Promise<void> {
    if (this.deps.config.enabled) await this.service.start();
  }

  async stop(): Promise<void> {
    await this.service.stop();
    this.pinger?.close();
    this.pinger = null;
  }
}
