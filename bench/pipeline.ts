/**
 * `npm run bench -- pipeline [--events 300000] [--attackers 20000] [--naive 5000] [--rate 10000] [--seconds 5] [--profiles 1000000] [--requests 200] [--only ingest,serve,latency,profiles,nft]`
 *
 * The threat pipeline (issue 6) on a real SQLite file (WAL):
 *   1. sustained ingest + scoring + rule matching: `--events` synthetic honeypot events (connects, auths,
 *      commands) from `--attackers` sources, submitted as fast as the pipeline takes them → events/s;
 *      the naive baseline in the same run: the same pipeline with one transaction per event → events/s, ratio;
 *      and the storage ceiling: the same events only inserted into the events table, nothing else;
 *   1b. (`serve`) the same events as `lnmt serve` takes them: published on the app's bus, with the events archive
 *      and honeypot-session subscribers beside the pipeline in the same process;
 *   2. event → `threat.detected` latency at `--rate` events/s through the in-process bus (p50/p99), measured on
 *      successful-login events (a rule that fires on one event) mixed into the stream;
 *   3. `--profiles` distinct attackers (default 1,000,000): RSS after ingest (hot set capped by config), then
 *      `GET /api/attackers?sort=score` p50/p99 through the real API (app.inject); the naive baseline: load every
 *      profile and sort by the decayed score in JS (what a store without the rank key has to do).
 *   4. nftables: 100,000 decisions applied to a set in a network namespace in one transaction (bench/_nft-apply.ts),
 *      against one `nft add element` per IP.
 * Targets: >= 100,000 events/s; p99 < 10 ms at 10k/s; RSS < 1 GB with 1M profiles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '../src/core/bus/memory-bus.js';
import { defaultConfig } from '../src/core/config/defaults.js';
import type { LnmtConfig } from '../src/core/config/schema.js';
import { silentLogger } from '../src/core/logger.js';
import { EventRepo } from '../src/store/repositories/event-repo.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { ThreatService } from '../src/threat/threat-service.js';
import { nftApplyBenchmark } from './_nft-apply.js';
import { percentile, syntheticEvent, loginEvent, uniqueSourceEvent } from './_pipeline-events.js';
import { formatNumber, option, printTable, ratio, writeResult } from './harness.js';

function benchConfig(dir: string, threat: NonNullable<LnmtConfig['threat']>): LnmtConfig {
  const c = defaultConfig();
  c.node.name = 'bench';
  c.dataDir = dir;
  c.store.sqlite = { file: 'lnmt.db', cacheSizeMb: 64, mmapSizeMb: 256, busyTimeoutMs: 5000 };
  c.threat = threat;
  return c;
}

async function withService<T>(cfg: LnmtConfig, fn: (svc: ThreatService, bus: MemoryBus) => Promise<T>, archive = true): Promise<T> {
  const store = await openSqliteStore({ dataDir: cfg.dataDir, ...cfg.store.sqlite, backgroundCheckpoint: true });
  const bus = new MemoryBus({ highWaterMark: 1_000_000 });
  const svc = new ThreatService({ store, bus, config: cfg, logger: silentLogger(), archive });
  await svc.start();
  try {
    return await fn(svc, bus);
  } finally {
    await svc.stop();
    await bus.close();
    await store.close();
  }
}

/**
 * Submits events in chunks without waiting for each (the pipeline's queue applies backpressure). With
 * `pregenerated`, the events are made before the clock starts, so the producer's cost is not counted.
 */
async function ingestAll(svc: ThreatService, total: number, make: (i: number) => ReturnType<typeof syntheticEvent>, chunk: number, pregenerated = false): Promise<number> {
  const ready = pregenerated ? Array.from({ length: total }, (_, i) => make(i)) : null;
  const t = performance.now();
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i += chunk) {
    const events = ready ? ready.slice(i, i + chunk) : Array.from({ length: Math.min(chunk, total - i) }, (_, k) => make(i + k));
    inflight.push(svc.pipeline.ingest(events));
    if (inflight.length >= 8) await inflight.shift();
  }
  await Promise.all(inflight);
  return (performance.now() - t) / 1000;
}

export async function run(args: string[]): Promise<void> {
  const nEvents = option(args, 'events', 300_000);
  const nAttackers = option(args, 'attackers', 20_000);
  const nNaive = option(args, 'naive', 5_000);
  const rate = option(args, 'rate', 10_000);
  const seconds = option(args, 'seconds', 5);
  const nProfiles = option(args, 'profiles', 1_000_000);
  const nRequests = option(args, 'requests', 200);
  const only = option(args, 'only', '').split(',').filter(Boolean);
  const part = (name: string) => only.length === 0 || only.includes(name);
  const root = mkdtempSync(join(tmpdir(), 'lnmt-bench-pipeline-'));
  const rows: Array<Record<string, string | number>> = [];
  const figures: Record<string, unknown> = { events: nEvents, attackers: nAttackers, rate, profiles: nProfiles };
  try {
    const t0 = Date.now();
    // 1. Throughput, batched vs one transaction per event.
    if (part('ingest')) {
      const batched = await withService(benchConfig(join(root, 'a'), { maxBatch: 5000, maxQueue: 50_000 }), async (svc) => {
        const s = await ingestAll(svc, nEvents, (i) => syntheticEvent(i, nAttackers, t0), 5000, true);
        return { eps: nEvents / s, detections: svc.pipeline.stats.detections, profileWrites: svc.pipeline.stats.profileWrites };
      });
      // The pipeline alone: in `lnmt serve` the events table is written by the app's archive subscriber instead.
      const alone = await withService(
        benchConfig(join(root, 'a2'), { maxBatch: 5000, maxQueue: 50_000 }),
        async (svc) => nEvents / (await ingestAll(svc, nEvents, (i) => syntheticEvent(i, nAttackers, t0), 5000, true)),
        false,
      );
      // Write-through (every changed profile written with its batch, `profileFlushMs: 0`): what write-behind saves.
      const through = await withService(benchConfig(join(root, 'a3'), { maxBatch: 5000, maxQueue: 50_000, profileFlushMs: 0 }), async (svc) => {
        const s = await ingestAll(svc, nEvents, (i) => syntheticEvent(i, nAttackers, t0), 5000, true);
        return { eps: nEvents / s, profileWrites: svc.pipeline.stats.profileWrites };
      });
      const naive = await withService(benchConfig(join(root, 'b'), { maxBatch: 1, maxQueue: 1 }), async (svc) => {
        const t = performance.now();
        for (let i = 0; i < nNaive; i++) await svc.pipeline.ingest([syntheticEvent(i, nAttackers, t0)]);
        return { eps: nNaive / ((performance.now() - t) / 1000) };
      });
      // The storage ceiling: the same events only stored (same table, same batches, no claim, profiles or rules).
      const storeOnly = await (async () => {
        const cfg = benchConfig(join(root, 'e'), {});
        const store = await openSqliteStore({ dataDir: cfg.dataDir, ...cfg.store.sqlite, backgroundCheckpoint: true });
        try {
          const repo = new EventRepo(store.db, store.dialect);
          const t = performance.now();
          for (let i = 0; i < nEvents; i += 5000) {
            const events = Array.from({ length: Math.min(5000, nEvents - i) }, (_, k) => syntheticEvent(i + k, nAttackers, t0));
            await store.db.transaction().execute((trx) => repo.insertMany(events, trx));
          }
          return nEvents / ((performance.now() - t) / 1000);
        } finally {
          await store.close();
        }
      })();
      rows.push({ measure: 'ingest+score+rules (events/s)', ours: formatNumber(Math.round(batched.eps)), baseline: formatNumber(Math.round(naive.eps)), ratio: ratio(batched.eps, naive.eps), target: '>= 100,000', note: `${batched.detections} detections; baseline = 1 txn/event` });
      rows.push({ measure: '  profiles written through (events/s)', ours: formatNumber(Math.round(through.eps)), baseline: '', ratio: ratio(batched.eps, through.eps), target: '', note: `profile rows written: ${formatNumber(through.profileWrites)} vs ${formatNumber(batched.profileWrites)} behind` });
      rows.push({ measure: '  without the events table (events/s)', ours: formatNumber(Math.round(alone)), baseline: '', ratio: '', target: '', note: 'serve: the archive subscriber writes it' });
      rows.push({ measure: '  the same events only stored (events/s)', ours: formatNumber(Math.round(storeOnly)), baseline: '', ratio: '', target: '', note: 'ceiling: events table insert alone, no claim/profiles/rules' });
      figures.ingest = { eventsPerSec: batched.eps, naiveEventsPerSec: naive.eps, writeThroughEventsPerSec: through.eps, withoutEventsTableEventsPerSec: alone, storeOnlyEventsPerSec: storeOnly, detections: batched.detections, profileWritesBehind: batched.profileWrites, profileWritesThrough: through.profileWrites };
    }

    // 1b. As `lnmt serve` runs it: events published on the app's bus, where the archive subscriber writes the
    // events table, the sessions subscriber the honeypot session rows, and the threat pipeline the rest, all in
    // one process (API, sensor, scheduler and notifications off).
    if (part('serve')) {
      const cfg = benchConfig(join(root, 'f'), { maxBatch: 5000, maxQueue: 50_000 });
      cfg.honeynet.enabled = false;
      cfg.scheduler.enabled = false;
      cfg.notify.enabled = false;
      const { createContext } = await import('../src/app/context.js');
      const ctx = await createContext(cfg, { logger: silentLogger(), persistEvents: true });
      try {
        await ctx.startBackground();
        const ready = Array.from({ length: nEvents }, (_, i) => syntheticEvent(i, nAttackers, t0));
        const t = performance.now();
        for (let i = 0; i < nEvents; i += 5000) await ctx.bus.publish(ready.slice(i, i + 5000));
        await ctx.bus.drain();
        await ctx.threat.pipeline.idle();
        await ctx.bus.drain();
        const eps = nEvents / ((performance.now() - t) / 1000);
        const stored = await ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', 'like', 'honeypot.%').executeTakeFirstOrThrow();
        if (Number(stored.n) !== nEvents) throw new Error(`serve composition: ${stored.n} of ${nEvents} events archived`);
        rows.push({ measure: '  as in serve: bus + archive + sessions (events/s)', ours: formatNumber(Math.round(eps)), baseline: '', ratio: '', target: '', note: `${formatNumber(ctx.threat.pipeline.stats.applied)} applied, ${formatNumber(Number(stored.n))} archived` });
        figures.serve = { eventsPerSec: eps, applied: ctx.threat.pipeline.stats.applied };
      } finally {
        await ctx.close();
      }
    }

    // 2. Latency at a fixed rate through the bus.
    if (part('latency')) {
      const measure = (dir: string, archive: boolean) => withService(benchConfig(join(root, dir), { maxBatch: 5000 }), async (svc, bus) => {
        const sent = new Map<string, number>();
        const lat: number[] = [];
        bus.subscribe({ name: 'bench-watch', types: ['threat.detected'] }, (batch) => {
          const now = performance.now();
          for (const e of batch) {
            if (e.type !== 'threat.detected' || e.data.rule !== 'honeypot-login') continue;
            const at = sent.get(e.data.src_ip);
            if (at !== undefined) lat.push(now - at);
          }
        });
        const tickMs = 10;
        const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
        const ticks = Math.round((seconds * 1000) / tickMs);
        const start = performance.now();
        let n = 0;
        for (let k = 0; k < ticks; k++) {
          const events = Array.from({ length: perTick }, (_, j) => {
            const i = n++;
            return i % 100 === 0 ? loginEvent(i, Date.now()) : syntheticEvent(i, nAttackers, Date.now());
          });
          const now = performance.now();
          for (const e of events) if (e.type === 'honeypot.auth') sent.set(e.data.src_ip, now);
          await bus.publish(events);
          const next = start + (k + 1) * tickMs;
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        await bus.drain();
        await svc.pipeline.idle();
        await bus.drain();
        return { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), samples: lat.length, achieved: n / ((performance.now() - start) / 1000) };
      }, archive);
      const lat = await measure('c', true);
      const alone = await measure('c2', false);
      rows.push({ measure: `event -> threat.detected at ${formatNumber(rate)}/s (ms)`, ours: `p50 ${lat.p50.toFixed(2)} / p99 ${lat.p99.toFixed(2)}`, baseline: '', ratio: '', target: 'p99 < 10', note: `${lat.samples} samples, ${formatNumber(Math.round(lat.achieved))} ev/s offered` });
      rows.push({ measure: '  without the events table (ms)', ours: `p50 ${alone.p50.toFixed(2)} / p99 ${alone.p99.toFixed(2)}`, baseline: '', ratio: '', target: '', note: `${alone.samples} samples` });
      figures.latency = { ...lat, withoutEventsTable: alone };
    }

    // 3. A million distinct attackers: RSS and the ranked list through the API.
    if (part('profiles')) {
      const dir = join(root, 'd');
      const cfg = benchConfig(dir, { maxBatch: 5000, hotProfiles: 100_000 });
      const profiles = await withService(cfg, async (svc) => {
        const s = await ingestAll(svc, nProfiles, (i) => uniqueSourceEvent(i, t0), 5000);
        global.gc?.();
        return { seconds: s, rss: process.memoryUsage().rss, hot: svc.pipeline.hotProfiles };
      });
      const { createContext } = await import('../src/app/context.js');
      const { buildApp } = await import('../src/api/app.js');
      const ctx = await createContext(cfg, { logger: silentLogger(), persistEvents: false });
      try {
        const app = await buildApp(ctx, { responseCache: false });
        const token = (await ctx.repos.tokens.create('bench', 'viewer')).secret;
        const ms: number[] = [];
        for (let i = 0; i < nRequests; i++) {
          const t = performance.now();
          const res = await app.inject({ method: 'GET', url: `/api/attackers?sort=score&limit=50&offset=${(i % 10) * 50}`, headers: { authorization: `Bearer ${token}` } });
          ms.push(performance.now() - t);
          if (res.statusCode !== 200) throw new Error(`GET /api/attackers: ${res.statusCode} ${res.body}`);
        }
        // Naive: every profile read and sorted by its decayed score in JS.
        const naiveMs: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          const all = await ctx.store.db.selectFrom('threat_profiles').select(['key', 'score', 'score_at']).where('kind', '=', 'ip').execute();
          const now = Date.now();
          all.sort((a, b) => Number(b.score) * 2 ** ((Number(b.score_at) - now) / 21_600_000) - Number(a.score) * 2 ** ((Number(a.score_at) - now) / 21_600_000));
          naiveMs.push(performance.now() - t);
        }
        await app.close();
        const p99 = percentile(ms, 0.99);
        const naiveMed = percentile(naiveMs, 0.5);
        rows.push({ measure: `${formatNumber(nProfiles)} profiles: ingest (profiles/s)`, ours: formatNumber(Math.round(nProfiles / profiles.seconds)), baseline: '', ratio: '', target: '', note: `hot set ${formatNumber(profiles.hot)}` });
        rows.push({ measure: `${formatNumber(nProfiles)} profiles: RSS (MB)`, ours: Math.round(profiles.rss / 1048576), baseline: '', ratio: '', target: '< 1024', note: 'after ingest, pipeline running' });
        rows.push({ measure: 'GET /api/attackers?sort=score (ms)', ours: `p50 ${percentile(ms, 0.5).toFixed(2)} / p99 ${p99.toFixed(2)}`, baseline: `${naiveMed.toFixed(0)} (load all + sort)`, ratio: ratio(p99, naiveMed, false), target: '', note: `${nRequests} requests, limit 50` });
        figures.profiles = { ingestSeconds: profiles.seconds, rssBytes: profiles.rss, hot: profiles.hot, apiP50: percentile(ms, 0.5), apiP99: p99, naiveSortMs: naiveMed };
      } finally {
        await ctx.close();
      }
    }

    // 4. nftables: 100,000 decisions in one transaction vs one `nft add element` per IP (sampled, extrapolated).
    if (part('nft')) {
      const nft = await nftApplyBenchmark({ decisions: 100_000 });
      rows.push({ measure: 'nftables: apply 100,000 decisions (s)', ours: (nft.totalMs / 1000).toFixed(2), baseline: `${(nft.perIpExtrapolatedMs / 1000).toFixed(0)} (one command per IP, ${nft.sample} measured, extrapolated)`, ratio: `×${Math.round(nft.speedup)}`, target: '< 2', note: `${nft.elementsInSet} elements in the set` });
      figures.nftables = nft;
    }

    printTable(rows, ['measure', 'ours', 'baseline', 'ratio', 'target', 'note']);
    const file = writeResult('pipeline', figures);
    process.stdout.write(`\nwritten to ${file}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
