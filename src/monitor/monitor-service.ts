import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import type { MonitorConfig } from '../core/config/sections/monitor.js';
import { makeEvent, type AnyEvent, type CheckRef, type DeviceRef } from '../core/events.js';
import { BatchWriter } from '../store/batch-writer.js';
import type { CheckResultRepo, NewCheckResult } from '../store/repositories/check-result-repo.js';
import { rowToDefinition, type CheckRepo, type CheckStateUpdate } from '../store/repositories/check-repo.js';
import type { Store } from '../store/store.js';
import type { CheckRow } from '../store/tables/monitor.js';
import type { CheckDefinition } from './check-spec.js';
import { applyResult, type CheckStateMemory } from './check-state.js';
import type { CheckDeps, CheckOutcome, CheckType } from './check-type.js';
import { DueQueue } from './due-queue.js';
import type { CheckBatchSummary, CheckFilter } from './monitor-control.js';
import { ScheduleStats } from './schedule-stats.js';

export interface MonitorServiceDeps {
  store: Store;
  checks: CheckRepo;
  results: CheckResultRepo;
  bus: EventBus;
  sensor: string;
  config: MonitorConfig;
  checkType(name: string): CheckType;
  checkDeps: CheckDeps;
  /** The device as events carry it (for `check.state_changed` of device checks). */
  deviceRef(id: number): Promise<DeviceRef | null>;
  logger: Logger;
  batch: { maxSize: number; maxDelayMs: number };
  onBatch?: (name: string, size: number, seconds: number, ok: boolean) => void;
  now?: () => number;
  /** How often definitions edited by other processes are picked up (default 5 s). */
  reloadEveryMs?: number;
}

interface LiveCheck {
  row: CheckRow;
  def: CheckDefinition;
  type: CheckType;
  ref: CheckRef;
  mem: CheckStateMemory;
  running: boolean;
  /** Fixed offset within the interval, so checks spread evenly and never drift. */
  phase: number;
  /** Days left at the last `check.cert_expiring`, so it fires once per day of countdown. */
  certDaysWarned: number | null;
}

interface Recorded {
  result: NewCheckResult;
  state: CheckStateUpdate;
}

/** Longest single timer: the loop re-evaluates at least this often (clock jumps, missed wakeups). */
const MAX_SLEEP_MS = 1000;

/** Every run in flight listens on it: no listener limit (Node warns past 10 by default). */
function stopSignal(): AbortController {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  return ac;
}

function phaseOf(id: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % intervalMs;
}

/**
 * Runs every enabled check on its interval from ONE loop: a heap of due times and one timer to the earliest,
 * a bounded pool of concurrent runs (the rest queue in order and their lateness is measured as drift), results
 * written in batches (one transaction for many results and state updates), and `check.result` /
 * `check.state_changed` / `check.cert_expiring` published on the bus.
 */
export class MonitorService {
  private readonly live = new Map<string, LiveCheck>();
  private readonly due = new DueQueue();
  private readonly waiting: Array<{ id: string; due: number; done?: () => void }> = [];
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  private reloadTimer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly stopController = stopSignal();
  private readonly writer: BatchWriter<Recorded>;
  private readonly now: () => number;
  private definitionsVersion = '';
  private lastUpdatedAt = 0;
  readonly stats = new ScheduleStats();

  constructor(private readonly deps: MonitorServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.writer = new BatchWriter<Recorded>({
      name: 'check-results',
      maxSize: deps.batch.maxSize,
      maxDelayMs: Math.max(deps.batch.maxDelayMs, 50),
      flush: (items) => this.flush(items),
      ...(deps.onBatch ? { onBatch: deps.onBatch } : {}),
    });
  }

  get size(): number {
    return this.live.size;
  }

  get activeRuns(): number {
    return this.active;
  }

  get writeQueueDepth(): number {
    return this.writer.depth;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.reload(true);
    const every = this.deps.reloadEveryMs ?? 5000;
    this.reloadTimer = setInterval(() => {
      this.reload(false).catch((err: unknown) => this.deps.logger.error({ err }, 'reloading check definitions failed'));
    }, every);
    this.reloadTimer.unref();
    this.arm();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopController.abort();
    if (this.timer) clearTimeout(this.timer);
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    this.timer = null;
    // Runs in flight see the abort and finish quickly; their results are still written.
    for (let i = 0; i < 200 && this.active > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await this.writer.flush();
  }

  /** Picks up added, edited and removed checks (all of them at start; at runtime only what changed). */
  async reload(full: boolean): Promise<void> {
    const version = await this.deps.checks.definitionsVersion();
    if (!full && version === this.definitionsVersion) return;
    this.definitionsVersion = version;
    const rows = full ? await this.deps.checks.all() : await this.deps.checks.changedSince(this.lastUpdatedAt);
    for (const row of rows) this.upsertRow(row, full);
    if (!full) {
      const ids = new Set(await this.deps.checks.ids());
      for (const id of [...this.live.keys()]) if (!ids.has(id)) this.forget(id);
    }
  }

  /** Applies a definition change made through this process (API) at once, without waiting for the poll. */
  async refresh(id: string): Promise<void> {
    if (!this.running) return; // start() loads every definition
    const row = await this.deps.checks.get(id);
    if (row) this.upsertRow(row, false);
    else this.forget(id);
  }

  forget(id: string): void {
    this.live.delete(id);
    this.due.remove(id);
  }

  private upsertRow(row: CheckRow, atStart: boolean): void {
    this.lastUpdatedAt = Math.max(this.lastUpdatedAt, row.updated_at);
    const prev = this.live.get(row.id);
    if (prev && prev.row.updated_at === row.updated_at) return;
    let type: CheckType;
    try {
      type = this.deps.checkType(row.type);
    } catch {
      this.deps.logger.warn({ check: row.id, type: row.type }, 'check has an unknown type: not scheduled');
      return;
    }
    const def = rowToDefinition(row);
    const fresh = !prev || prev.row.target !== row.target || prev.row.device_id !== row.device_id;
    const lc: LiveCheck = {
      row,
      def,
      type,
      ref: { id: row.id, name: row.name, type: row.type, target: row.target, device_id: row.device_id },
      mem: prev && !fresh ? prev.mem : { state: row.state, stateSince: row.state_since, streak: Number(row.streak), flapping: Number(row.flapping) === 1, changes: [] },
      running: prev?.running ?? false,
      phase: phaseOf(row.id, def.intervalMs),
      certDaysWarned: prev && !fresh ? prev.certDaysWarned : null,
    };
    this.live.set(row.id, lc);
    if (!def.enabled) {
      this.due.remove(row.id);
      return;
    }
    const now = this.now();
    // New or re-targeted checks run at once; at start-up each waits for its slot in the interval (an even spread).
    const first = !atStart && (fresh || prev?.def.intervalMs !== def.intervalMs) ? now : this.nextSlot(lc, now - 1);
    this.due.schedule(row.id, first);
    if (this.running && first < this.armedFor) this.arm();
  }

  /** The first slot of the check's grid (phase + k × interval) after `after`. */
  private nextSlot(lc: LiveCheck, after: number): number {
    const iv = lc.def.intervalMs;
    const k = Math.floor((after - lc.phase) / iv) + 1;
    return lc.phase + k * iv;
  }

  private arm(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.due.peek();
    const now = this.now();
    const wait = next === null ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, next - now));
    this.armedFor = now + wait;
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = this.now();
    for (const { id, due } of this.due.popDue(now)) {
      const lc = this.live.get(id);
      if (!lc || !lc.def.enabled) continue;
      // Fixed-rate: the next slot follows the grid, whatever this run's lateness; slots a stalled process
      // slept through are skipped (counted), never replayed in a burst.
      const next = this.nextSlot(lc, Math.max(due, now));
      const missed = Math.floor((now - due) / lc.def.intervalMs);
      if (missed > 0) this.stats.missed += missed;
      this.due.schedule(id, next);
      if (lc.running) {
        this.stats.overlapped++;
        continue;
      }
      this.enqueue({ id, due });
    }
    this.arm();
  }

  private enqueue(item: { id: string; due: number; done?: () => void }): void {
    if (this.active < this.deps.config.maxConcurrent) this.launch(item);
    else this.waiting.push(item);
  }

  private launch(item: { id: string; due: number; done?: () => void }): void {
    const lc = this.live.get(item.id);
    if (!lc) {
      item.done?.();
      return;
    }
    this.active++;
    lc.running = true;
    const started = this.now();
    this.stats.observeDrift(started - item.due);
    this.execute(lc, started)
      .catch((err: unknown) => this.deps.logger.error({ err, check: lc.ref.id }, 'recording a check result failed'))
      .finally(() => {
        lc.running = false;
        this.active--;
        item.done?.();
        const next = this.waiting.shift();
        if (next) this.launch(next);
      });
  }

  private async execute(lc: LiveCheck, started: number): Promise<boolean> {
    const ac = new AbortController();
    const onStop = () => ac.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => ac.abort(), lc.def.timeoutMs);
    let outcome: CheckOutcome;
    try {
      outcome = await lc.type.run({ target: lc.def.target, params: lc.def.params, timeoutMs: lc.def.timeoutMs, signal: ac.signal, deviceId: lc.def.deviceId }, this.deps.checkDeps);
    } catch (err) {
      outcome = { ok: false, latencyMs: null, message: `check failed: ${(err as Error).message ?? String(err)}` };
    } finally {
      clearTimeout(timer);
      this.stopController.signal.removeEventListener('abort', onStop);
    }
    this.stats.runs++;
    if (!outcome.ok) this.stats.failures++;
    await this.record(lc, outcome, started);
    return outcome.ok;
  }

  private async record(lc: LiveCheck, outcome: CheckOutcome, time: number): Promise<void> {
    const transition = applyResult(lc.mem, outcome.ok, time, { retries: lc.def.retries, flapThreshold: lc.def.flapThreshold, flapWindowMs: lc.def.flapWindowMs });
    const message = outcome.message.slice(0, 500);
    const latency = outcome.latencyMs === null ? null : Math.round(outcome.latencyMs * 1000) / 1000;
    const events: AnyEvent[] = [];
    const opts = { sensor: this.deps.sensor, now: time };
    events.push(makeEvent('check.result', { check: lc.ref, ok: outcome.ok, latency_ms: latency, message, ...(outcome.details ? { details: outcome.details } : {}) }, opts));
    if (transition) {
      const device = lc.def.deviceId !== null ? await this.deps.deviceRef(lc.def.deviceId).catch(() => null) : null;
      events.push(makeEvent('check.state_changed', { check: lc.ref, previous: transition.previous, current: transition.current, message, streak: transition.streak, flapping: transition.flapping, device }, opts));
    }
    const cert = outcome.cert;
    const threshold = typeof lc.def.params.certWarningDays === 'number' ? lc.def.params.certWarningDays : this.deps.config.defaults.certWarningDays;
    if (cert && cert.daysLeft < threshold) {
      const days = Math.floor(cert.daysLeft);
      if (lc.certDaysWarned === null || days < lc.certDaysWarned) {
        lc.certDaysWarned = days;
        events.push(makeEvent('check.cert_expiring', { check: lc.ref, days_left: days, not_after: cert.notAfter, subject: cert.subject, issuer: cert.issuer, threshold_days: threshold }, opts));
      }
    } else if (cert) lc.certDaysWarned = null;

    await this.writer.write({
      result: { check_id: lc.ref.id, time, ok: outcome.ok, latency_ms: latency, message },
      state: {
        id: lc.ref.id,
        state: lc.mem.state,
        state_since: lc.mem.stateSince,
        streak: lc.mem.streak,
        flapping: lc.mem.flapping ? 1 : 0,
        last_run_at: time,
        last_ok: outcome.ok ? 1 : 0,
        last_latency_ms: latency,
        last_message: message,
      },
    });
    await this.deps.bus.publish(events);
  }

  private async flush(items: Recorded[]): Promise<void> {
    const latest = new Map<string, CheckStateUpdate>();
    for (const it of items) latest.set(it.state.id, it.state);
    // A check deleted meanwhile would leave orphan results: keep only rows of checks this process still knows.
    const results = items.filter((it) => this.live.has(it.result.check_id)).map((it) => it.result);
    await this.deps.store.db.transaction().execute(async (trx) => {
      await this.deps.results.insertMany(trx, results);
      await this.deps.checks.saveStates(trx, [...latest.values()]);
    });
  }

  /** Runs the matching checks now, whatever their schedule; resolves when all are recorded. */
  async runChecks(filter: CheckFilter, signal?: AbortSignal): Promise<CheckBatchSummary> {
    const t = this.now();
    if (!this.running) await this.reload(true);
    const targets = [...this.live.values()].filter((lc) => matches(lc, filter));
    let up = 0;
    let down = 0;
    await Promise.all(
      targets.map(
        (lc) =>
          new Promise<void>((done) => {
            if (signal?.aborted) return done();
            const run = () => {
              const started = this.now();
              this.active++;
              lc.running = true;
              this.execute(lc, started)
                .then((ok) => (ok ? up++ : down++))
                .catch((err: unknown) => this.deps.logger.error({ err, check: lc.ref.id }, 'check run failed'))
                .finally(() => {
                  lc.running = false;
                  this.active--;
                  done();
                  const next = this.waiting.shift();
                  if (next) this.launch(next);
                });
            };
            if (this.active < this.deps.config.maxConcurrent) run();
            else this.waiting.push({ id: lc.ref.id, due: this.now(), done });
          }),
      ),
    );
    await this.writer.flush();
    return { ran: up + down, up, down, durationMs: this.now() - t };
  }

  /** Results waiting for their batch are committed. */
  flushResults(): Promise<void> {
    return this.writer.flush();
  }
}

function matches(lc: LiveCheck, f: CheckFilter): boolean {
  if (f.ids && f.ids.length > 0) return f.ids.includes(lc.ref.id) || f.ids.includes(lc.ref.name);
  if (!lc.def.enabled) return false;
  if (f.type && lc.def.type !== f.type) return false;
  if (f.deviceId !== undefined && lc.def.deviceId !== f.deviceId) return false;
  if (f.tags && f.tags.length > 0 && !f.tags.some((t) => lc.def.tags.includes(t))) return false;
  return true;
}
