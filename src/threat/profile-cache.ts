import { Lru } from './lru.js';
import { rankKey } from './decay.js';
import { newProfile, profileBody, profileFromRow, type Profile, type ProfileKind } from './profile.js';
import type { ProfileWrite, ThreatProfileRepo } from '../store/repositories/threat-profile-repo.js';

const SEP = '\u0000';

interface Dirty {
  p: Profile;
  /** The batch of its first change not yet written. */
  since: number;
  /** When that change happened (monotonic ms). */
  at: number;
}

/** Which dirty profiles a transaction writes. */
export interface FlushPolicy {
  /** Every one. */
  all: boolean;
  /** Those whose first unwritten change is at least this old. */
  maxAgeMs: number;
  /** Oldest first until at most this many stay dirty. */
  maxDirty: number;
}

/** Profiles to write now: their rows, the profiles themselves, and their ids for `committed()`. */
export interface DueProfiles {
  rows: ProfileWrite[];
  ids: string[];
  profiles: Profile[];
}

/**
 * The hot set of profiles: an LRU capped at `capacity`, backed by the store, written behind. A profile changed
 * by a batch stays "dirty" (in memory only; the batch log in the store holds its events) until a later
 * transaction writes it, under a `FlushPolicy`: a busy attacker's profile is written once a second instead of
 * once per batch. A dirty profile is never evicted (it is pinned until written), so the cap is exceeded by at
 * most the dirty set, which the policy bounds.
 *
 * Each profile carries `seq`, the last batch it holds. When a batch is replayed after a crash (`begin(seq)` with
 * an old seq), a profile whose stored row already holds that batch is handed out "unchanged" (`changes()` is
 * false) and must be left alone.
 */
export class ProfileCache {
  private readonly lru: Lru<string, Profile>;
  /** Changed and not yet written, in the order of their first change (so the oldest come first). */
  private readonly dirty = new Map<string, Dirty>();
  /** Profiles used by the current batch. */
  private readonly batch = new Map<string, Profile>();
  /** Profiles of the current batch that already hold it (a replay): not to be changed. */
  private readonly unchanged = new Set<Profile>();
  /** To be written with the current batch whatever the policy (a campaign mark changed). */
  private readonly urgent = new Set<string>();
  /** Profiles created in this batch that the store did not have (new sources), for first-contact logic. */
  readonly created = new Set<string>();
  loads = 0;
  private readonly pinned = new Map<string, Profile>();
  private seq = 0;

  constructor(
    capacity: number,
    private readonly repo: ThreatProfileRepo,
    private readonly halfLifeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lru = new Lru(capacity, (key, p) => {
      // A dirty profile pushed out by the cap would lose its changes: keep it until it is written.
      if (this.dirty.has(key)) this.pinned.set(key, p);
    });
  }

  get size(): number {
    return this.lru.size + this.pinned.size;
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  static id(kind: ProfileKind, key: string): string {
    return kind + SEP + key;
  }

  /** Starts batch `seq`: the profiles it uses take that sequence number. */
  begin(seq: number): void {
    this.seq = seq;
  }

  /** Loads from the store every profile of `wanted` not in memory; absent ones are created empty. */
  async prefetch(wanted: Map<string, { kind: ProfileKind; key: string; time: number }>): Promise<void> {
    const missing = new Map<ProfileKind, string[]>();
    for (const [id, w] of wanted) {
      if (this.lru.has(id) || this.pinned.has(id)) continue;
      let list = missing.get(w.kind);
      if (!list) missing.set(w.kind, (list = []));
      list.push(w.key);
    }
    for (const [kind, keys] of missing) {
      this.loads += keys.length;
      const rows = await this.repo.loadMany(kind, keys);
      const found = new Set<string>();
      for (const r of rows) {
        const p = profileFromRow(r);
        found.add(r.key);
        this.lru.set(ProfileCache.id(kind, r.key), p);
      }
      for (const key of keys) {
        if (found.has(key)) continue;
        const id = ProfileCache.id(kind, key);
        this.lru.set(id, newProfile(kind, key, wanted.get(id)!.time));
        this.created.add(id);
      }
    }
  }

  /** A profile prefetched for this batch (or created on the spot), marked dirty unless it already holds the batch. */
  use(kind: ProfileKind, key: string, time: number): Profile {
    const id = ProfileCache.id(kind, key);
    // Already used in this batch: its recency was refreshed then (re-inserting into a large Map per event cost
    // ~6 % of ingest).
    const used = this.batch.get(id);
    if (used) return used;
    let p = this.pinned.get(id) ?? this.lru.get(id);
    if (!p) {
      p = newProfile(kind, key, time);
      this.lru.set(id, p);
      this.created.add(id);
    }
    this.batch.set(id, p);
    if (p.seq >= this.seq) {
      this.unchanged.add(p);
      return p;
    }
    p.seq = this.seq;
    if (!this.dirty.has(id)) this.dirty.set(id, { p, since: this.seq, at: this.now() });
    return p;
  }

  /** Whether the current batch changes `p` (false only when replaying a batch its stored row already holds). */
  changes(p: Profile): boolean {
    return !this.unchanged.has(p);
  }

  /** Has `p` written with the current batch, whatever the policy. */
  writeNow(p: Profile): void {
    this.urgent.add(ProfileCache.id(p.kind, p.key));
  }

  /** In memory only (API reads of hot profiles). */
  peek(kind: ProfileKind, key: string): Profile | undefined {
    const id = ProfileCache.id(kind, key);
    return this.pinned.get(id) ?? this.lru.peek(id);
  }

  /** The oldest batch some dirty profile (other than those being written) lacks in the store; `next` when none. */
  replayFrom(next: number, writing: readonly string[] = []): number {
    const skip = writing.length ? new Set(writing) : null;
    for (const [id, d] of this.dirty) if (!skip?.has(id)) return d.since;
    return next;
  }

  /** The rows the policy says to write now, their profiles, and their ids for `committed()`. */
  due(policy: FlushPolicy): DueProfiles {
    const ids: string[] = [];
    const cutoff = this.now() - policy.maxAgeMs;
    let excess = this.dirty.size - policy.maxDirty;
    // Oldest first: `at` never decreases along the map, so the first one not due ends the scan.
    for (const [id, d] of this.dirty) {
      if (!policy.all && d.at > cutoff && excess <= 0) break;
      ids.push(id);
      excess--;
    }
    if (this.urgent.size) {
      const taken = new Set(ids);
      for (const id of this.urgent) if (this.dirty.has(id) && !taken.has(id)) ids.push(id);
    }
    const profiles = ids.map((id) => this.dirty.get(id)!.p);
    return { rows: profiles.map((p) => this.row(p)), ids, profiles };
  }

  private row(p: Profile): ProfileWrite {
    return { kind: p.kind, key: p.key, first_seen: p.firstSeen, last_seen: p.lastSeen, score: p.score.value, score_at: p.score.at, rank: rankKey(p.score, this.halfLifeMs), events: p.events, device_id: p.deviceId, body: JSON.stringify(profileBody(p)), seq: p.seq };
  }

  /** The batch (and the rows of `written`) committed. */
  committed(written: readonly string[]): void {
    this.batch.clear();
    this.unchanged.clear();
    this.created.clear();
    this.urgent.clear();
    for (const id of written) {
      this.dirty.delete(id);
      const p = this.pinned.get(id);
      if (!p) continue;
      this.pinned.delete(id);
      // Back into the LRU only if there is room; otherwise it stays in the store alone.
      if (this.lru.size < this.lru.capacity) this.lru.set(id, p);
    }
  }

  /**
   * A transaction failed: memory may now hold changes of committed batches that only the log has, so all of
   * it is dropped; the pipeline rebuilds it from the store and the log.
   */
  discard(): void {
    this.lru.clear();
    this.pinned.clear();
    this.dirty.clear();
    this.batch.clear();
    this.unchanged.clear();
    this.created.clear();
    this.urgent.clear();
  }
}
