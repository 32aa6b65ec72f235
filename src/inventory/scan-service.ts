import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import { LnmtError } from '../core/errors.js';
import { makeEvent, type AnyEvent } from '../core/events.js';
import { uuidv7 } from '../core/ids.js';
import { ipKey } from '../core/ip.js';
import type { Metrics } from '../core/metrics.js';
import type { ScanRepo, ScanSummary } from '../store/repositories/scan-repo.js';
import type { ScanRow } from '../store/schema.js';
import type { DeviceTracker, HostObservation } from './device-tracker.js';
import { lookupMac } from './oui.js';
import { discover } from './scanner/discovery.js';
import { ReverseDns } from '../core/reverse-dns.js';
import type { HostResult, ProbeResult, ScanProgress, ScannerConfig } from './scanner/scan-types.js';
import { addresses, parseTargets, type TargetSet } from './targets.js';

export interface ScanRequest {
  targets: string[];
  /** Allow more than `scanner.maxAddresses` addresses. */
  force?: boolean;
  /** Probe every address even if the status cache has a fresh answer. */
  noCache?: boolean;
  /** Per-scan overrides of the scanner settings (already validated by the caller). */
  options?: Partial<ScannerConfig>;
  requestedBy?: string | null;
  /** For errors: `targets` (CLI) or `body.targets` (API). */
  where?: string;
}

export interface ScanResult {
  id: string;
  status: 'finished' | 'failed' | 'cancelled';
  targets: string[];
  summary: ScanSummary;
  /** Up hosts, plus known devices of the range that are now down. */
  hosts: HostResult[];
  error?: string;
}

/** A scan as the API shows it: the stored row plus live progress while it runs. */
export interface ScanView {
  id: string;
  status: ScanRow['status'];
  targets: string[];
  requested_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: ScanProgress | null;
  summary: ScanSummary | null;
  error: string | null;
}

export interface ScanServiceDeps {
  tracker: DeviceTracker;
  scans: ScanRepo;
  bus: EventBus;
  sensor: string;
  scanner: ScannerConfig;
  logger?: Logger;
  metrics?: Metrics;
}

interface Running {
  progress: ScanProgress;
  controller: AbortController;
  done: Promise<ScanResult>;
}

/** Runs discovery scans: validates targets, records the scan, probes, writes observations, emits events. */
export class ScanService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: ScanServiceDeps) {}

  /** Parses targets with the configured guard; throws LNMT_ERR_TARGET / LNMT_ERR_TARGET_TOO_LARGE. */
  prepare(req: ScanRequest): Promise<TargetSet> {
    const cfg = { ...this.deps.scanner, ...req.options };
    return parseTargets(req.targets, { maxAddresses: cfg.maxAddresses, force: req.force ?? false, where: req.where ?? 'targets' });
  }

  /** Validates, records and starts a scan in the background; resolves with its id once it is queued. */
  async start(req: ScanRequest, hooks: { onProgress?: (p: ScanProgress) => void; onNotice?: (m: string) => void } = {}, parsed?: TargetSet): Promise<{ id: string; done: Promise<ScanResult> }> {
    // Callers that validated the targets already (the CLI, before opening the store) pass them: names are
    // resolved once.
    const set = parsed ?? (await this.prepare(req));
    const id = uuidv7();
    const cfg: ScannerConfig = { ...this.deps.scanner, ...req.options };
    await this.deps.scans.create({ id, targets: req.targets, options: { ...cfg, force: req.force ?? false, noCache: req.noCache ?? false }, requested_by: req.requestedBy ?? null });
    const controller = new AbortController();
    const progress: ScanProgress = { done: 0, total: set.count, up: 0 };
    const done = this.execute(id, req, set, cfg, controller.signal, progress, hooks).finally(() => this.running.delete(id));
    this.running.set(id, { progress, controller, done });
    done.catch(() => {}); // failures are recorded on the scan row
    return { id, done };
  }

  /** Runs a scan in the foreground (CLI). */
  async run(req: ScanRequest, hooks: { onProgress?: (p: ScanProgress) => void; onNotice?: (m: string) => void } = {}): Promise<ScanResult> {
    const { done } = await this.start(req, hooks);
    return done;
  }

  cancel(id: string): boolean {
    const r = this.running.get(id);
    if (!r) return false;
    r.controller.abort();
    return true;
  }

  async get(id: string): Promise<ScanView | undefined> {
    const row = await this.deps.scans.get(id);
    if (!row) return undefined;
    return toView(row, this.running.get(id)?.progress ?? null);
  }

  async list(limit: number): Promise<ScanView[]> {
    return (await this.deps.scans.list(limit)).map((r) => toView(r, this.running.get(r.id)?.progress ?? null));
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Cancels running scans and waits for them to record their end. */
  async stopAll(): Promise<void> {
    for (const r of this.running.values()) r.controller.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private async execute(
    id: string,
    req: ScanRequest,
    set: TargetSet,
    cfg: ScannerConfig,
    signal: AbortSignal,
    progress: ScanProgress,
    hooks: { onProgress?: (p: ScanProgress) => void; onNotice?: (m: string) => void },
  ): Promise<ScanResult> {
    const { tracker, bus, sensor } = this.deps;
    const started = Date.now();
    const notices: string[] = [];
    const methods: Record<string, number> = {};
    const summary: ScanSummary = { addresses: set.count, probed: 0, cached: 0, online: 0, discovered: 0, went_offline: 0, came_online: 0, changed: 0, duration_ms: 0, methods, notices };
    const hosts: HostResult[] = [];
    let status: ScanResult['status'] = 'finished';
    let error: string | undefined;
    // Writes are queued while probing goes on; each carries its own rejection handler, so a store failure
    // mid-scan fails this scan instead of surfacing as an unhandled rejection.
    const pendingWrites: Array<Promise<void>> = [];
    let writeError: unknown = null;
    let buffer: HostObservation[] = [];
    const flushBuffer = () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      pendingWrites.push(
        tracker.observe(batch).then(
          (o) => {
            summary.discovered += o.discovered;
            summary.came_online += o.came_online;
            summary.went_offline += o.went_offline;
            summary.changed += o.changed;
          },
          (err) => void (writeError ??= err),
        ),
      );
    };
    try {
      await tracker.init();
      await this.deps.scans.markRunning(id, started);
      await bus.publish([makeEvent('scan.started', { scan_id: id, targets: req.targets, addresses: set.count, methods: enabledMethods(cfg) }, { sensor, now: started }) as AnyEvent]);

      // Addresses flow lazily from the target set: fresh cache entries are answered on the way, the rest probed.
      const ttl = req.noCache ? 0 : cfg.cacheTtlSec * 1000;
      const all = addresses(set);
      const source = {
        total: set.count,
        hasIpv6: set.v6.length > 0,
        next: (): string | undefined => {
          for (let it = all.next(); !it.done; it = all.next()) {
            const ip = it.value;
            const c = tracker.cached(ip, ttl, started);
            if (!c) {
              summary.probed++;
              return ip;
            }
            summary.cached++;
            progress.done++;
            if (c.status === 'online') {
              const info = c.mac ? lookupMac(c.mac) : null;
              hosts.push({ ip, up: true, method: c.method, rtt_ms: c.rtt_ms, mac: c.mac, hostname: c.hostname, vendor: c.vendor, mac_private: info?.private ?? false, cached: true, device_id: c.id });
            }
          }
          return undefined;
        },
      };
      const silentKnown: ProbeResult[] = [];
      const up = await discover(source, cfg, {
        signal,
        reverseDns: this.reverseDns(cfg),
        onNotice: (m) => {
          notices.push(m);
          hooks.onNotice?.(m);
        },
        onProgress: (p) => {
          progress.done = summary.cached + p.done;
          progress.up = hosts.length + p.up;
          hooks.onProgress?.({ ...progress });
        },
        onResult: (r) => {
          this.deps.metrics?.scanHosts.inc({ result: r.up ? 'up' : 'down' });
          // Only answers, and silence from addresses we know, are observations worth storing.
          if (!r.up) {
            if (!tracker.entry(r.ip)) return;
            silentKnown.push(r);
          }
          buffer.push(toObservation(r, id));
          if (buffer.length >= 256) flushBuffer();
        },
      });
      flushBuffer();
      await Promise.all(pendingWrites);
      if (writeError) throw writeError;
      // A silent address whose device moved to a new one during this scan is no longer a device.
      for (const r of [...up, ...silentKnown.filter((k) => tracker.entry(k.ip))]) {
        const entry = tracker.entry(r.ip);
        const info = r.mac ? lookupMac(r.mac) : null;
        if (r.up && r.method) methods[methodFamily(r.method)] = (methods[methodFamily(r.method)] ?? 0) + 1;
        hosts.push({ ...r, vendor: info?.vendor ?? entry?.vendor ?? null, mac_private: info?.private ?? false, cached: false, device_id: entry?.id ?? null });
      }
      if (signal.aborted) status = 'cancelled';
    } catch (err) {
      status = 'failed';
      error = (err as Error).message;
      flushBuffer();
      await Promise.allSettled(pendingWrites);
      this.deps.logger?.error({ err, scan: id }, 'scan failed');
    }
    hosts.sort((a, b) => compareIp(a.ip, b.ip));
    summary.online = hosts.filter((h) => h.up).length;
    summary.duration_ms = Date.now() - started;
    try {
      await this.deps.scans.finish(id, status, summary, error ?? null);
      await bus.publish([
        makeEvent('scan.finished', { scan_id: id, status, addresses: set.count, online: summary.online, discovered: summary.discovered, went_offline: summary.went_offline, duration_ms: summary.duration_ms, ...(error ? { error } : {}) }, { sensor }) as AnyEvent,
      ]);
    } catch (err) {
      // The row stays `running`; the next start-up's orphan check cannot help (this process is alive), so say it.
      this.deps.logger?.error({ err, scan: id }, 'could not record the end of a scan');
      throw new LnmtError('LNMT_ERR_STORE', `scan ${id} ended (${status}) but its end could not be recorded`, { cause: err });
    }
    if (status === 'failed') throw new LnmtError('LNMT_ERR_SCAN', `scan ${id} failed: ${error}`);
    return { id, status, targets: req.targets, summary, hosts, ...(error ? { error } : {}) };
  }

  private rdns: { key: string; resolver: ReverseDns } | null = null;

  /** One resolver (and cache) per DNS settings, shared by this service's scans. */
  private reverseDns(cfg: ScannerConfig): ReverseDns {
    const key = `${cfg.dnsTimeoutMs}|${cfg.dnsServers.join(',')}`;
    if (this.rdns?.key !== key) this.rdns = { key, resolver: new ReverseDns({ timeoutMs: cfg.dnsTimeoutMs, servers: cfg.dnsServers }) };
    return this.rdns.resolver;
  }
}

function toObservation(r: ProbeResult, scanId: string): HostObservation {
  return { ip: r.ip, up: r.up, method: r.method, rtt_ms: r.rtt_ms, mac: r.mac, hostname: r.hostname, time: Date.now(), scan_id: scanId };
}

function enabledMethods(cfg: ScannerConfig): string[] {
  const m: string[] = [];
  if (cfg.icmp !== 'off') m.push('icmp');
  if (cfg.tcpPorts.length > 0) m.push('tcp');
  if (cfg.neighbours) m.push('arp');
  if (cfg.reverseDns) m.push('rdns');
  return m;
}

function methodFamily(m: string): string {
  const i = m.indexOf(':');
  return i < 0 ? m : m.slice(0, i);
}

function compareIp(a: string, b: string): number {
  const ka = ipKey(a);
  const kb = ipKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function toView(row: ScanRow, progress: ScanProgress | null): ScanView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    status: row.status,
    targets: JSON.parse(row.targets) as string[],
    requested_by: row.requested_by,
    created_at: new Date(row.created_at).toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    progress: progress ? { ...progress } : null,
    summary: row.summary ? (JSON.parse(row.summary) as ScanSummary) : null,
    error: row.error,
  };
}
