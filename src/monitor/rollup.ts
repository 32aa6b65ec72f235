import { LnmtError } from '../core/errors.js';
import type { CheckResultRepo } from '../store/repositories/check-result-repo.js';
import type { RollupRepo } from '../store/repositories/rollup-repo.js';
import type { StateRepo } from '../store/repositories/state-repo.js';
import type { Store } from '../store/store.js';
import { Aggregate, bucketOf, ROLLUP_STEPS, STEP_MS, type RollupStep } from './aggregate.js';
import type { MaintenanceSummary } from './monitor-control.js';
import type { Retention } from './windows.js';

/** Raw results up to this id are in the aggregates. */
export const ROLLUP_WATERMARK = 'monitor.rollup.results_id';

export interface RollupDeps {
  store: Store;
  results: CheckResultRepo;
  rollups: RollupRepo;
  state: StateRepo;
  retention: Retention;
  now(): number;
}

export interface RollupOptions {
  /** Raw rows folded per transaction. */
  chunk?: number;
  /**
   * PostgreSQL hands out ids before commit, so a row with a lower id can become visible after a higher one:
   * rows younger than this are left for the next run. SQLite commits in id order and needs no wait.
   */
  settleMs?: number;
  signal?: AbortSignal;
}

/**
 * Folds raw results above the watermark into minute, hour and day aggregates: each chunk is aggregated in memory,
 * merged with the stored rows of the buckets it touches (late results land in old buckets correctly), written,
 * and the watermark moved — all in one transaction, the watermark by compare-and-set, so two processes rolling
 * up at once can never count a result twice.
 */
export async function rollUp(deps: RollupDeps, opts: RollupOptions = {}): Promise<{ rolledUp: number; rows: Record<RollupStep, number> }> {
  const chunk = opts.chunk ?? 50_000;
  const settleMs = opts.settleMs ?? (deps.store.dialect === 'postgres' ? 5_000 : 0);
  const rows: Record<RollupStep, number> = { m: 0, h: 0, d: 0 };
  let rolledUp = 0;
  for (;;) {
    if (opts.signal?.aborted) break;
    const mark = await deps.state.get(ROLLUP_WATERMARK);
    const after = mark === null ? 0 : Number(mark);
    let batch = await deps.results.after(after, chunk);
    if (settleMs > 0) {
      const young = batch.findIndex((r) => r.time >= deps.now() - settleMs);
      if (young >= 0) batch = batch.slice(0, young);
    }
    if (batch.length === 0) break;

    const deltas: Record<RollupStep, Map<string, { bucket: number; checkId: string; agg: Aggregate }>> = { m: new Map(), h: new Map(), d: new Map() };
    for (const r of batch) {
      for (const step of ROLLUP_STEPS) {
        const bucket = bucketOf(r.time, step);
        const key = `${r.check_id}|${bucket}`;
        let e = deltas[step].get(key);
        if (!e) deltas[step].set(key, (e = { bucket, checkId: r.check_id, agg: new Aggregate() }));
        e.agg.addResult(Number(r.ok) === 1, r.latency_ms);
      }
    }
    const last = batch[batch.length - 1]!.id;
    await deps.store.db.transaction().execute(async (trx) => {
      for (const step of ROLLUP_STEPS) {
        const entries = [...deltas[step].values()];
        // Buckets after the newest stored one cannot have a row yet: only older ones are read back to merge.
        const newest = await deps.rollups.newestBucket(trx, step);
        const existing = await deps.rollups.load(trx, step, newest === null ? [] : entries.filter((e) => e.bucket <= newest));
        for (const e of entries) {
          const stored = existing.get(`${e.checkId}|${e.bucket}`);
          if (stored) {
            stored.merge(e.agg);
            e.agg = stored;
          }
        }
        await deps.rollups.upsert(trx, step, entries);
        rows[step] += entries.length;
      }
      if (!(await deps.state.compareAndSet(trx, ROLLUP_WATERMARK, mark, String(last), deps.now()))) {
        throw new LnmtError('LNMT_ERR_CONFLICT', 'another process rolled up the same results first');
      }
    });
    rolledUp += batch.length;
    if (batch.length < chunk && settleMs === 0) break;
  }
  return { rolledUp, rows };
}

/** Deletes raw results and aggregates past their retention. */
export async function applyRetention(deps: RollupDeps): Promise<MaintenanceSummary['deleted']> {
  const now = deps.now();
  const day = STEP_MS.d;
  // Never delete raw rows the rollup has not folded in yet, whatever their age.
  const raw = await deps.results.deleteBefore(now - deps.retention.rawDays * day, Number((await deps.state.get(ROLLUP_WATERMARK)) ?? 0) + 1);
  return {
    raw,
    m: await deps.rollups.deleteBefore('m', bucketOf(now - deps.retention.minuteDays * day, 'm')),
    h: await deps.rollups.deleteBefore('h', bucketOf(now - deps.retention.hourDays * day, 'h')),
    d: await deps.rollups.deleteBefore('d', bucketOf(now - deps.retention.dayDays * day, 'd')),
  };
}

export async function maintain(deps: RollupDeps, opts: RollupOptions = {}): Promise<MaintenanceSummary> {
  const t = performance.now();
  const { rolledUp, rows } = await rollUp(deps, opts);
  const deleted = await applyRetention(deps);
  return { rolledUp, rollupRows: rows, deleted, durationMs: Math.round(performance.now() - t) };
}
