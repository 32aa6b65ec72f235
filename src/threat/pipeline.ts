import type { Logger } from 'pino';
import type { ThreatConfig } from '../core/config/sections/threat.js';
import type { AnyEvent, CampaignPayload, EventPayloads, LnmtEvent } from '../core/events.js';
import { makeEvent } from '../core/events.js';
import type { Clock } from '../scheduler/clock.js';
import type { Transaction } from 'kysely';
import type { CampaignRepo } from '../store/repositories/campaign-repo.js';
import type { EventRepo } from '../store/repositories/event-repo.js';
import type { ThreatAppliedRepo } from '../store/repositories/threat-applied-repo.js';
import type { ThreatDetectionRepo } from '../store/repositories/threat-detection-repo.js';
import type { LogEntry, ThreatLogRepo } from '../store/repositories/threat-log-repo.js';
import type { ThreatOutboxRepo } from '../store/repositories/threat-outbox-repo.js';
import type { ThreatProfileRepo } from '../store/repositories/threat-profile-repo.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { campaignPayload, campaignRow, considerCampaign } from './campaigns.js';
import { shownScore } from './decay.js';
import type { DeviceIndex, InternalDevice } from './device-index.js';
import { networkOf, normalizeCommand, sequenceKey } from './fingerprints.js';
import { Lru } from './lru.js';
import { PROFILE_BOUNDS, addFirst, addRecent, addScore, addSource, newProfile, profileFromRow, touch, type Profile, type ProfileKind } from './profile.js';
import { ProfileCache, type DueProfiles, type FlushPolicy } from './profile-cache.js';
import type { ReverseDns } from '../core/reverse-dns.js';
import type { GeoLookup } from './geo/geo-lookup.js';
import type { RuleEngine } from './rules/rule-engine.js';
import { SEVERITIES, type ThreatSeverity } from './rules/rule-type.js';
import { normalizeEvent, type ThreatEvent } from './threat-event.js';

export interface PipelineRepos {
  profiles: ThreatProfileRepo;
  applied: ThreatAppliedRepo;
  detections: ThreatDetectionRepo;
  campaigns: CampaignRepo;
  events: EventRepo;
  outbox: ThreatOutboxRepo;
  log: ThreatLogRepo;
}

export interface PipelineDeps {
  store: Store;
  repos: PipelineRepos;
  config: ThreatConfig;
  rules: RuleEngine;
  devices: DeviceIndex;
  clock: Clock;
  logger: Logger;
  /** Name of this node: the `sensor` of the events the pipeline emits. */
  node: string;
  /** Where detections and campaign events go once committed (the bus). */
  publish: (events: AnyEvent[]) => Promise<void>;
  /** Also write input events to the `events` table (off when the app's archive subscriber already does). */
  archive: boolean;
  rdns?: ReverseDns | null;
  geo?: GeoLookup | null;
}

export interface PipelineStats {
  queued: number;
  applied: number;
  duplicates: number;
  invalid: number;
  detections: number;
  campaigns: number;
  batches: number;
  hotProfiles: number;
  profileLoads: number;
  failedBatches: number;
  /** Profiles changed in memory and not yet written to the store. */
  dirtyProfiles: number;
  profileWrites: number;
}

interface Pending {
  events: readonly AnyEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Commands kept per open session for its sequence fingerprint. */
const SESSION_COMMANDS = 64;
/** Sessions whose commands are tracked at once (LRU). */
const MAX_SESSIONS = 50_000;
/** At start-up the rules replay at most this much recent history (their longest window or suppression)... */
const WARMUP_MAX_MS = 86_400_000;
/** ...and at most this many events of it (the newest). */
const WARMUP_MAX_EVENTS = 200_000;
/** How often batches the warm-up no longer needs are pruned from the log. */
const LOG_PRUNE_EVERY_MS = 5_000;

type LogIndex = Array<{ seq: number; time: number; count: number }>;

/**
 * The first batch of the log a warm-up reads: the newest batches before `replayFrom` whose commit time is
 * within the horizon, at most `maxEvents` events of them.
 */
function warmStart(index: LogIndex, replayFrom: number, since: number, maxEvents: number): number {
  let from = replayFrom;
  let n = 0;
  for (let i = index.length - 1; i >= 0; i--) {
    const e = index[i]!;
    if (e.seq >= replayFrom) continue;
    if (e.time < since || n + e.count > maxEvents) break;
    n += e.count;
    from = e.seq;
  }
  return from;
}

function raise(sev: ThreatSeverity, steps: number): ThreatSeverity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(sev) + steps)]!;
}

/**
 * The threat pipeline: a bounded queue in front of one worker that takes whatever is queued (up to `maxBatch`
 * events) and, in ONE store transaction, skips events already applied (redelivery), archives them (optional),
 * applies them to attacker profiles and aggregates, runs the rules and campaign checks, and writes the dirty
 * profiles, the applied ids, the detections and the campaigns. `ingest()` resolves only after that commit, so
 * a producer (the bus) acknowledges only what is durable; detections are published after the commit from an
 * outbox, so a crash in between re-publishes them at start-up (same ids: the bus dedups them).
 */
export class ThreatPipeline {
  private readonly queue: Pending[] = [];
  private queued = 0;
  private running = false;
  private spaceWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly cache: ProfileCache;
  private readonly sessions = new Lru<string, string[]>(MAX_SESSIONS);
  private readonly ignoredCreds: Set<string>;
  private readonly deposits: Record<string, number>;
  private closed = false;
  readonly stats: PipelineStats = { queued: 0, applied: 0, duplicates: 0, invalid: 0, detections: 0, campaigns: 0, batches: 0, hotProfiles: 0, profileLoads: 0, failedBatches: 0, dirtyProfiles: 0, profileWrites: 0 };
  /** The last committed batch (its `threat_log.seq`). */
  private seq = 0;
  /** Sequence, time and size of the batches kept in the log (for pruning). */
  private logIndex: LogIndex = [];
  private lastPrune = 0;
  /** A transaction failed: memory is rebuilt from the store and the log before the next batch. */
  private broken = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly policy: FlushPolicy;
  /** Called with each committed batch's size and duration (metrics). */
  onBatch: ((size: number, seconds: number, ok: boolean) => void) | null = null;

  constructor(private readonly deps: PipelineDeps) {
    // A batch touches up to ~6 profiles per event (source, network, credential, hash, sequence, timing); they
    // must all fit at once or a prefetched profile could be evicted before use and be recreated empty.
    const capacity = Math.max(deps.config.hotProfiles, deps.config.maxBatch * 6);
    this.cache = new ProfileCache(capacity, deps.repos.profiles, deps.config.halfLifeMs);
    this.ignoredCreds = new Set(deps.config.campaigns.ignoreCredentials);
    this.deposits = deps.config.deposits;
    const flushMs = deps.config.profileFlushMs;
    // At most as many profiles written behind as the hot set holds.
    this.policy = { all: flushMs === 0, maxAgeMs: flushMs, maxDirty: capacity };
  }

  /** Events waiting for the worker (the queue-depth metric). */
  get depth(): number {
    return this.queued;
  }

  get hotProfiles(): number {
    return this.cache.size;
  }

  /** A profile held in memory, if hot (tests, API fast path). */
  peekProfile(kind: ProfileKind, key: string): Profile | undefined {
    return this.cache.peek(kind, key);
  }

  /**
   * Queues events and resolves once they are committed (or rejects when their batch failed: the caller
   * redelivers). Waits while the queue is full: that wait is the backpressure the bus passes on to producers.
   */
  async ingest(events: readonly AnyEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.closed) throw new Error('threat pipeline is stopped');
    while (this.queued > 0 && this.queued + events.length > this.deps.config.maxQueue) await new Promise<void>((r) => this.spaceWaiters.push(r));
    const done = new Promise<void>((resolve, reject) => this.queue.push({ events, resolve, reject }));
    this.queued += events.length;
    this.stats.queued = this.queued;
    if (!this.running) {
      this.running = true;
      // Next tick: lets producers that publish in the same tick join the batch (group commit).
      setImmediate(() => void this.work());
    }
    return done;
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Writes every changed profile now (a clean stop leaves nothing for the log to replay). */
  async flush(): Promise<void> {
    // The worker may have been started again between idle() resolving and this continuation.
    do await this.idle();
    while (this.running || this.queue.length > 0);
    if (this.cache.dirtyCount === 0 || this.broken) return;
    this.running = true;
    try {
      await this.commitFlush(true);
    } finally {
      this.finishWork();
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  /**
   * Rebuilds memory from the store after a start (or a failed transaction): profiles whose rows lag behind the
   * batch log (written behind, then a crash) get the logged batches they lack again, each profile only those
   * after its own `seq`; and the rules' windows and suppressions are rebuilt from the recent batches before
   * that (what fires there fired the first time and is dropped). Without the second part a restart forgot
   * half-full windows, so a brute force spanning it was never seen and one that had fired could fire again.
   */
  async recover(): Promise<{ warmed: number; replayed: number }> {
    const { log } = this.deps.repos;
    const state = await log.state();
    this.logIndex = await log.index();
    this.seq = Math.max(state.lastSeq, this.logIndex.at(-1)?.seq ?? 0);
    const since = this.warmSince();
    const from = warmStart(this.logIndex, state.replayFrom, since, WARMUP_MAX_EVENTS);
    // Warm-up batches all precede the replayed ones: the rules see every event in log order.
    const warm: AnyEvent[] = [];
    let warmed = 0;
    let replayed = 0;
    for await (const entry of log.read(from)) {
      if (entry.seq < state.replayFrom) {
        for (const e of entry.events) if (Date.parse(e.time) >= since) warm.push(e);
        continue;
      }
      if (warm.length) warmed += await this.warmUp(warm.splice(0));
      replayed += await this.replay(entry);
    }
    if (warm.length) warmed += await this.warmUp(warm);
    this.broken = false;
    return { warmed, replayed };
  }

  /** The oldest event time the rules can still need: their longest window or suppression, capped. */
  private warmSince(): number {
    return this.deps.clock.now() - Math.min(this.deps.rules.horizonMs(), WARMUP_MAX_MS);
  }

  /** The rules see events that profiles already hold, with each source's stored profile (their firings are dropped). */
  private async warmUp(events: readonly AnyEvent[]): Promise<number> {
    const valid = this.validate(events);
    const profiles = new Map<string, Profile>();
    for (const row of await this.deps.repos.profiles.loadMany('ip', [...new Set(valid.map((e) => e.src))])) profiles.set(row.key, profileFromRow(row));
    for (const ev of valid) {
      let p = this.cache.peek('ip', ev.src) ?? profiles.get(ev.src);
      if (!p) profiles.set(ev.src, (p = newProfile('ip', ev.src, ev.time)));
      this.deps.rules.evaluate(ev, p);
    }
    return valid.length;
  }

  /** One logged batch applied again to the profiles that lack it; its detections and campaign events were published then. */
  private async replay(entry: LogEntry): Promise<number> {
    const valid = this.validate(entry.events);
    this.cache.begin(entry.seq);
    await this.prepare(valid);
    this.apply(valid, [], []);
    this.committed([]);
    return valid.length;
  }

  /** Publishes detections and campaign events committed but not published (a crash between commit and publish). */
  async republish(): Promise<number> {
    const { detections, outbox } = this.deps.repos;
    return (
      (await this.drain(() => detections.unpublished(1000), (ids) => detections.markPublished(ids))) +
      (await this.drain(() => outbox.pending(1000), (ids) => outbox.remove(ids)))
    );
  }

  /** Publishes pages of `pending()` and marks each page done, until nothing is pending. */
  private async drain(pending: () => Promise<AnyEvent[]>, done: (ids: string[]) => Promise<void>): Promise<number> {
    let total = 0;
    for (let page = await pending(); page.length > 0; page = await pending()) {
      await this.deps.publish(page);
      await done(page.map((e) => e.id));
      total += page.length;
    }
    return total;
  }

  private async work(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group: Pending[] = [];
        let n = 0;
        while (this.queue.length > 0 && (group.length === 0 || n + this.queue[0]!.events.length <= this.deps.config.maxBatch)) {
          const p = this.queue.shift()!;
          group.push(p);
          n += p.events.length;
        }
        const all = group.length === 1 ? group[0]!.events : group.flatMap((p) => p.events);
        try {
          for (let i = 0; i < all.length; i += this.deps.config.maxBatch) await this.processBatch(all.slice(i, i + this.deps.config.maxBatch));
          for (const p of group) p.resolve();
        } catch (err) {
          this.stats.failedBatches++;
          this.deps.logger.error({ err, events: all.length }, 'threat pipeline: batch failed; it will be redelivered');
          for (const p of group) p.reject(err);
        }
        this.queued -= n;
        this.stats.queued = this.queued;
        const w = this.spaceWaiters;
        this.spaceWaiters = [];
        for (const r of w) r();
      }
      await this.pruneLog();
    } finally {
      this.finishWork();
    }
  }

  private finishWork(): void {
    this.running = false;
    // Events queued while a profile flush (or the log pruning) ran found the worker busy: start it for them.
    if (this.queue.length > 0) {
      this.running = true;
      setImmediate(() => void this.work());
      return;
    }
    this.scheduleFlush();
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  /** While profiles are dirty and no batch comes to write them, a timer does. */
  private scheduleFlush(): void {
    if (this.flushTimer || this.closed || this.policy.all || this.cache.dirtyCount === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (this.running || this.closed) return;
      this.running = true;
      this.commitFlush(false)
        .catch((err: unknown) => this.deps.logger.error({ err }, 'threat pipeline: writing profiles failed'))
        .finally(() => this.finishWork());
    }, Math.max(50, this.policy.maxAgeMs / 2));
    this.flushTimer.unref();
  }

  /** A transaction of profile rows alone (the timer, `flush()`). */
  private async commitFlush(all: boolean): Promise<void> {
    if (this.broken) return;
    const due = this.cache.due(all ? { ...this.policy, all: true } : this.policy);
    if (due.ids.length === 0) return;
    try {
      await this.deps.store.db.transaction().execute((trx) => this.writeDue(due, this.seq, trx));
    } catch (err) {
      this.fail();
      throw err;
    }
    this.committed(due.ids);
  }

  /**
   * Writes the due profiles, the campaign rows of the aggregates among them (a campaign row is written behind
   * with its aggregate, since a busy credential campaign gains members in every batch, and at once when it is
   * detected or reported: see `apply`), and where the log stands after them.
   */
  private async writeDue(due: DueProfiles, lastSeq: number, trx: Transaction<Database>): Promise<void> {
    const { repos, clock, config } = this.deps;
    await repos.profiles.upsertMany(due.rows, trx);
    const now = clock.now();
    const campaigns = due.profiles.filter((p) => p.campaign !== null && p.campaign.wave === p.waveStart).map((p) => campaignRow(p, now, config.halfLifeMs));
    if (campaigns.length) await repos.campaigns.upsertMany(campaigns, trx);
    await repos.log.setState({ lastSeq, replayFrom: this.cache.replayFrom(lastSeq + 1, due.ids) }, trx);
  }

  /** A transaction (or a replay) ended: `written` profiles are in the store. */
  private committed(written: readonly string[]): void {
    this.cache.committed(written);
    this.stats.profileWrites += written.length;
    this.stats.dirtyProfiles = this.cache.dirtyCount;
  }

  /** After a failed transaction memory may be ahead of the store in ways only a rebuild undoes. */
  private fail(): void {
    this.cache.discard();
    this.sessions.clear();
    this.broken = true;
  }

  /** Drops the logged batches that neither a replay nor a warm-up would read. */
  private async pruneLog(): Promise<void> {
    const now = performance.now();
    if (now - this.lastPrune < LOG_PRUNE_EVERY_MS || this.broken) return;
    this.lastPrune = now;
    const keep = warmStart(this.logIndex, this.cache.replayFrom(this.seq + 1), this.warmSince(), WARMUP_MAX_EVENTS);
    let drop = 0;
    while (drop < this.logIndex.length && this.logIndex[drop]!.seq < keep) drop++;
    if (drop === 0) return;
    try {
      await this.deps.repos.log.pruneBefore(keep);
      this.logIndex.splice(0, drop);
    } catch (err) {
      this.deps.logger.warn({ err }, 'threat pipeline: pruning the batch log failed');
    }
  }

  /** Validates once; drops repeats inside the batch. */
  private validate(batch: readonly AnyEvent[]): ThreatEvent[] {
    const seen = new Set<string>();
    const valid: ThreatEvent[] = [];
    for (const raw of batch) {
      if (seen.has(raw.id)) {
        this.stats.duplicates++;
        continue;
      }
      seen.add(raw.id);
      const n = normalizeEvent(raw);
      if (!n.ok) {
        this.stats.invalid++;
        this.deps.logger.debug({ id: raw.id, type: raw.type, reason: n.reason }, 'threat pipeline: event skipped');
        continue;
      }
      valid.push(n.event);
    }
    return valid;
  }

  /**
   * Brings every profile the events may touch into memory (one query per kind for the cold ones). Reads,
   * outside the write transaction; an event that turns out to be a redelivery only cost a lookup.
   */
  private async prepare(valid: readonly ThreatEvent[]): Promise<void> {
    const { config } = this.deps;
    await this.deps.devices.refreshIfStale();
    const wanted = new Map<string, { kind: ProfileKind; key: string; time: number }>();
    const want = (kind: ProfileKind, key: string, time: number) => {
      const id = ProfileCache.id(kind, key);
      if (!wanted.has(id)) wanted.set(id, { kind, key, time });
    };
    for (const ev of valid) {
      want('ip', ev.src, ev.time);
      want('net', networkOf(ev.src), ev.time);
      if (ev.type === 'honeypot.auth' && ev.username !== null) want('cred', `${ev.username}:${ev.secret ?? ''}`, ev.time);
      if (ev.type === 'honeypot.upload' && ev.sha256) want('upload', ev.sha256, ev.time);
      if (ev.type === 'honeypot.payload' && ev.sha256) want('payload', ev.sha256, ev.time);
    }
    await this.cache.prefetch(wanted);
    // Second round: keys that depend on the first (first contact of a new source → timing bucket; a session's
    // command sequence, known at its close).
    const second = new Map<string, { kind: ProfileKind; key: string; time: number }>();
    const bucketMs = config.campaigns.timingBucketMs;
    const sessionCmds = new Map<string, string[]>();
    for (const ev of valid) {
      if (this.cache.created.has(ProfileCache.id('ip', ev.src))) {
        const key = this.timingKey(ev, bucketMs);
        second.set(ProfileCache.id('timing', key), { kind: 'timing', key, time: ev.time });
      }
      if (!ev.session) continue;
      if (ev.type === 'honeypot.command' && ev.input) {
        let cmds = sessionCmds.get(ev.session);
        if (!cmds) sessionCmds.set(ev.session, (cmds = [...(this.sessions.peek(ev.session) ?? [])]));
        if (cmds.length < SESSION_COMMANDS) cmds.push(normalizeCommand(ev.input));
      } else if (ev.type === 'honeypot.close') {
        const cmds = sessionCmds.get(ev.session) ?? this.sessions.peek(ev.session);
        if (cmds && cmds.length >= 2) {
          const key = sequenceKey(cmds);
          second.set(ProfileCache.id('command', key), { kind: 'command', key, time: ev.time });
        }
      }
    }
    if (second.size) await this.cache.prefetch(second);
    this.stats.profileLoads = this.cache.loads;
  }

  /** One batch, one transaction. */
  private async processBatch(batch: readonly AnyEvent[]): Promise<void> {
    const started = performance.now();
    const { store, repos } = this.deps;
    if (this.broken) {
      this.deps.rules.reset();
      const r = await this.recover();
      this.deps.logger.warn(r, 'threat pipeline: memory rebuilt from the store after a failed transaction');
    }
    const valid = this.validate(batch);
    const seq = this.seq + 1;
    this.cache.begin(seq);
    await this.prepare(valid);
    // Enrich (GeoIP, reverse DNS for new sources), still outside the transaction: a lookup may wait.
    if (this.deps.rdns || this.deps.geo) await this.enrich(valid);
    // One transaction: claim the event ids (what an earlier, crashed or redelivered, batch applied comes back
    // absent), apply only the fresh events, log them, and write what is due of what they changed.
    const detections: Array<LnmtEvent<'threat.detected'>> = [];
    const campaignEvents: Array<LnmtEvent<'campaign.detected' | 'campaign.updated'>> = [];
    let fresh: ThreatEvent[] = [];
    let written: string[] = [];
    let last = this.seq;
    const at = this.deps.clock.now();
    try {
      await store.db.transaction().execute(async (trx) => {
        // Each event is serialised once, for the archive and the log both.
        const bodies = new Map<AnyEvent, string>();
        const bodyOf = (e: AnyEvent) => {
          let b = bodies.get(e);
          if (b === undefined) bodies.set(e, (b = JSON.stringify(e)));
          return b;
        };
        if (this.deps.archive) await repos.events.insertMany(batch, trx, bodyOf);
        const claimed = valid.length ? await repos.applied.claim(valid.map((e) => e.id), trx) : new Set<string>();
        fresh = claimed.size === valid.length ? valid : valid.filter((e) => claimed.has(e.id));
        this.apply(fresh, detections, campaignEvents);
        if (fresh.length) {
          last = seq;
          await repos.log.append(seq, at, fresh.map((e) => bodyOf(e.raw)), trx);
        }
        await repos.detections.insertMany(detections, trx);
        if (campaignEvents.length) await repos.outbox.insertMany(campaignEvents, trx);
        const due = this.cache.due(this.policy);
        written = due.ids;
        await this.writeDue(due, last, trx);
      });
    } catch (err) {
      this.fail();
      this.onBatch?.(batch.length, (performance.now() - started) / 1000, false);
      throw err;
    }
    if (last === seq) {
      this.seq = seq;
      this.logIndex.push({ seq, time: at, count: fresh.length });
    }
    this.stats.duplicates += valid.length - fresh.length;
    this.committed(written);
    this.stats.applied += fresh.length;
    this.stats.batches++;
    this.stats.hotProfiles = this.cache.size;
    this.onBatch?.(batch.length, (performance.now() - started) / 1000, true);
    // Publish after commit; a failure leaves them in the outbox for `republish()`.
    if (detections.length || campaignEvents.length) {
      this.stats.detections += detections.length;
      this.stats.campaigns += campaignEvents.length;
      try {
        await this.deps.publish([...detections, ...campaignEvents] as AnyEvent[]);
        if (detections.length) await repos.detections.markPublished(detections.map((d) => d.id));
        if (campaignEvents.length) await repos.outbox.remove(campaignEvents.map((e) => e.id));
      } catch (err) {
        this.deps.logger.error({ err, detections: detections.length, campaigns: campaignEvents.length }, 'threat pipeline: publishing detections failed; they stay in the outbox');
      }
    }
  }

  /**
   * Applies fresh events to profiles and aggregates, runs the rules and the campaign checks. Fills `detections`
   * and `campaignEvents` (a new or grown campaign's aggregate is marked to be written with the batch).
   */
  private apply(fresh: readonly ThreatEvent[], detections: Array<LnmtEvent<'threat.detected'>>, campaignEvents: Array<LnmtEvent<'campaign.detected' | 'campaign.updated'>>): void {
    const { config } = this.deps;
    const now = this.deps.clock.now();
    const cache = this.cache;
    for (const ev of fresh) {
      const isNew = cache.created.has(ProfileCache.id('ip', ev.src));
      // `changes()` is false only in a replay after a crash, for a profile whose row already holds the batch.
      const p = cache.use('ip', ev.src, ev.time);
      const own = cache.changes(p);
      const device = this.deps.devices.get(ev.src);
      if (own) {
        if (device) p.deviceId = device.id;
        this.applyToProfile(p, ev);
      }
      const members: Profile[] = [];
      const net = cache.use('net', networkOf(ev.src), ev.time);
      if (cache.changes(net)) this.applyToAggregate(net, ev);
      for (const agg of this.aggregatesOf(ev, own && isNew && p.events === 1)) {
        if (!cache.changes(agg)) continue;
        this.applyToAggregate(agg, ev);
        if (addSource(agg, ev.src, ev.time, config.campaigns.windowMs)) members.push(agg);
        touch(agg, ev.time);
      }
      for (const f of this.deps.rules.evaluate(ev, p)) {
        if (!own) continue;
        const severity = device ? raise(f.def.severity, config.internalSeverityBoost) : f.def.severity;
        addScore(p, this.deposits[`detection.${severity}`] ?? 0, ev.time, config.halfLifeMs);
        p.counts.detections++;
        detections.push(this.detection(f.def.name, f.def.type.name, severity, ev, p, f.match.summary, f.match.evidence, device));
      }
      for (const agg of members) {
        const c = considerCampaign(agg, config.campaigns, this.ignoredCreds, now);
        if (!c?.type) continue;
        // A new or reported campaign goes to the store with this batch, its mark with it: a replay must not mint
        // a second id, and the campaigns list shows it at once.
        cache.writeNow(agg);
        campaignEvents.push(makeEvent(c.type, campaignPayload(agg, now, config.halfLifeMs), { sensor: this.deps.node, now }) as LnmtEvent<'campaign.detected' | 'campaign.updated'>);
      }
    }
  }

  /**
   * GeoIP for every source profile still without it (an in-memory lookup, so sources stored before a database
   * was configured get it at their next event); reverse DNS once, for new sources (a network round trip).
   */
  private async enrich(events: readonly ThreatEvent[]): Promise<void> {
    const { geo, rdns } = this.deps;
    const fresh = new Set<string>();
    for (const ev of events) {
      const p = this.cache.peek('ip', ev.src);
      if (!p) continue;
      if (geo && p.geo === null) p.geo = geo(ev.src);
      if (rdns && this.cache.created.has(ProfileCache.id('ip', ev.src))) fresh.add(ev.src);
    }
    if (!rdns) return;
    await Promise.all(
      [...fresh].map(async (ip) => {
        const name = await rdns.lookup(ip);
        const p = this.cache.peek('ip', ip);
        if (p) p.rdns = name;
      }),
    );
  }

  /** The aggregates (besides the network) an event counts towards as a member. */
  private aggregatesOf(ev: ThreatEvent, firstContact: boolean): Profile[] {
    const out: Profile[] = [];
    if (ev.type === 'honeypot.auth' && ev.username !== null) out.push(this.cache.use('cred', `${ev.username}:${ev.secret ?? ''}`, ev.time));
    if (ev.type === 'honeypot.upload' && ev.sha256) out.push(this.cache.use('upload', ev.sha256, ev.time));
    if (ev.type === 'honeypot.payload' && ev.sha256) out.push(this.cache.use('payload', ev.sha256, ev.time));
    if (ev.session && ev.type === 'honeypot.command' && ev.input) {
      let cmds = this.sessions.get(ev.session);
      if (!cmds) this.sessions.set(ev.session, (cmds = []));
      if (cmds.length < SESSION_COMMANDS) cmds.push(normalizeCommand(ev.input));
    }
    if (ev.session && ev.type === 'honeypot.close') {
      const cmds = this.sessions.get(ev.session);
      this.sessions.delete(ev.session);
      // A single command (`uname -a`) is what every bot types; a sequence of two or more identifies a script.
      if (cmds && cmds.length >= 2) {
        const agg = this.cache.use('command', sequenceKey(cmds), ev.time);
        if (agg.commands.length === 0) agg.commands.push(...cmds.slice(0, PROFILE_BOUNDS.commands));
        out.push(agg);
      }
    }
    if (firstContact) out.push(this.cache.use('timing', this.timingKey(ev, this.deps.config.campaigns.timingBucketMs), ev.time));
    return out;
  }

  private timingKey(ev: ThreatEvent, bucketMs: number): string {
    return `${new Date(Math.floor(ev.time / bucketMs) * bucketMs).toISOString()}/${ev.service ?? ev.type}`;
  }

  private depositFor(ev: ThreatEvent): number {
    let amount = this.deposits[ev.type] ?? 0;
    if (ev.type === 'honeypot.auth' && ev.success) amount += this.deposits['honeypot.login'] ?? 0;
    return amount;
  }

  private applyToProfile(p: Profile, ev: ThreatEvent): void {
    touch(p, ev.time);
    addScore(p, this.depositFor(ev), ev.time, this.deps.config.halfLifeMs);
    addFirst(p.sensors, ev.sensor, PROFILE_BOUNDS.sensors);
    if (ev.service) addFirst(p.services, ev.service, PROFILE_BOUNDS.services);
    const port = ev.decoy ?? ev.dstPort;
    if (port !== null) addFirst(p.ports, port, PROFILE_BOUNDS.ports);
    const c = p.counts;
    switch (ev.type) {
      case 'honeypot.connect':
        c.connects++;
        if (ev.decoy !== null) addFirst(p.tags, 'decoy', PROFILE_BOUNDS.tags);
        break;
      case 'honeypot.auth':
        c.auths++;
        if (ev.success) {
          c.logins++;
          addFirst(p.tags, 'logged-in', PROFILE_BOUNDS.tags);
        }
        if (ev.username !== null) addRecent(p.credentials, `${ev.username}:${ev.secret ?? ''}`, PROFILE_BOUNDS.credentials);
        break;
      case 'honeypot.command':
        c.commands++;
        if (ev.input) addRecent(p.commands, ev.input.slice(0, 512), PROFILE_BOUNDS.commands);
        break;
      case 'honeypot.upload':
        c.uploads++;
        if (ev.sha256) addRecent(p.uploads, ev.sha256, PROFILE_BOUNDS.uploads);
        break;
      case 'honeypot.request':
        c.requests++;
        for (const t of ev.tags) addFirst(p.tags, t, PROFILE_BOUNDS.tags);
        break;
      case 'honeypot.payload':
        c.payloads++;
        break;
      case 'canary.used':
        c.canaries++;
        addFirst(p.tags, 'canary', PROFILE_BOUNDS.tags);
        break;
      default:
        break;
    }
  }

  private applyToAggregate(agg: Profile, ev: ThreatEvent): void {
    if (agg.kind === 'net') {
      touch(agg, ev.time);
      addSource(agg, ev.src, ev.time, this.deps.config.campaigns.windowMs);
    }
    addScore(agg, this.depositFor(ev), ev.time, this.deps.config.halfLifeMs);
    addFirst(agg.sensors, ev.sensor, PROFILE_BOUNDS.sensors);
    if (ev.service) addFirst(agg.services, ev.service, PROFILE_BOUNDS.services);
  }

  private detection(rule: string, ruleType: string, severity: ThreatSeverity, ev: ThreatEvent, p: Profile, summary: string, evidence: string[], device: InternalDevice | undefined): LnmtEvent<'threat.detected'> {
    const data: EventPayloads['threat.detected'] = {
      rule,
      rule_type: ruleType,
      severity,
      src_ip: ev.src,
      score: shownScore(p.score, ev.time, this.deps.config.halfLifeMs),
      summary: device ? `internal device ${device.hostname ?? device.ip}${device.mac ? ` (${device.mac})` : ''}: ${summary}` : summary,
      evidence,
      sensors: [...p.sensors],
    };
    if (device) data.device = { ...device };
    return makeEvent('threat.detected', data, { sensor: this.deps.node, now: this.deps.clock.now(), src: { ip: ev.src } });
  }
}

export type { CampaignPayload };
