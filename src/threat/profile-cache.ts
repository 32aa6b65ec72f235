import { Lru } from './lru.js';
import { rankKey } from './decay.js';
import { newProfile, profileBody, profileFromRow, type Profile, type ProfileKind } from './profile.js';
import type { ProfileWrite, ThreatProfileRepo } from '../store/repositories/threat-profile-repo.js';

const SEP = '\u0000';

/**
 * The hot set of profiles: an LRU capped at `capacity`, backed by the store. Profiles changed in a batch are
 * "dirty" until the batch commits; a dirty profile is never evicted (it is pinned until `committed()`), so the
 * cap can be exceeded by at most one batch's worth of profiles. After a failed commit `discard()` drops the
 * dirty ones: the next access reloads them from the store, as they were before the batch.
 */
export class ProfileCache {
  private readonly lru: Lru<string, Profile>;
  private readonly dirty = new Map<string, Profile>();
  /** Profiles created in this batch that the store did not have (new sources), for first-contact logic. */
  readonly created = new Set<string>();
  loads = 0;
  private readonly pinned = new Map<string, Profile>();

  constructor(capacity: number, private readonly repo: ThreatProfileRepo, private readonly halfLifeMs: number) {
    this.lru = new Lru(capacity, (key, p) => {
      // A dirty profile pushed out by the cap would lose its changes: keep it until the commit.
      if (this.dirty.has(key)) this.pinned.set(key, p);
    });
  }

  get size(): number {
    return this.lru.size + this.pinned.size;
  }

  static id(kind: ProfileKind, key: string): string {
    return kind + SEP + key;
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

  /** A profile prefetched for this batch (or created on the spot), marked dirty. */
  use(kind: ProfileKind, key: string, time: number): Profile {
    const id = ProfileCache.id(kind, key);
    // Already used in this batch: its recency was refreshed then (re-inserting into a large Map per event cost
    // ~6 % of ingest).
    const used = this.dirty.get(id);
    if (used) return used;
    let p = this.pinned.get(id) ?? this.lru.get(id);
    if (!p) {
      p = newProfile(kind, key, time);
      this.lru.set(id, p);
      this.created.add(id);
    }
    this.dirty.set(id, p);
    return p;
  }

  /** In memory only (API reads of hot profiles). */
  peek(kind: ProfileKind, key: string): Profile | undefined {
    const id = ProfileCache.id(kind, key);
    return this.pinned.get(id) ?? this.lru.peek(id);
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  dirtyRows(): ProfileWrite[] {
    const out: ProfileWrite[] = [];
    for (const p of this.dirty.values()) {
      out.push({ kind: p.kind, key: p.key, first_seen: p.firstSeen, last_seen: p.lastSeen, score: p.score.value, score_at: p.score.at, rank: rankKey(p.score, this.halfLifeMs), events: p.events, device_id: p.deviceId, body: JSON.stringify(profileBody(p)) });
    }
    return out;
  }

  committed(): void {
    this.dirty.clear();
    this.created.clear();
    for (const [id, p] of this.pinned) {
      this.pinned.delete(id);
      // Back into the LRU only if there is room; otherwise it stays in the store alone.
      if (this.lru.size < this.lru.capacity) this.lru.set(id, p);
    }
  }

  discard(): void {
    for (const id of this.dirty.keys()) {
      this.lru.delete(id);
      this.pinned.delete(id);
    }
    this.dirty.clear();
    this.created.clear();
  }
}
