/**
 * A least-recently-used map with a hard cap on entries: the hot set of profiles and every per-source rule state
 * use it, so memory stays bounded however many sources appear. Map keeps insertion order; a get re-inserts.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private cursor: IterableIterator<K> | null = null;

  constructor(
    readonly capacity: number,
    /** Called with each entry pushed out by the cap (not for explicit deletes). */
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`Lru capacity must be at least 1 (got ${capacity})`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** Without refreshing recency. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.evictOldest();
  }

  /**
   * The oldest entry is the first in insertion order. A fresh `keys().next()` walks over every deleted slot at
   * the front of V8's table before finding it, which made a full LRU at 100,000 entries spend a third of the
   * ingest time skipping holes; one long-lived iterator passes each slot once. Iterators over a Map see later
   * insertions and skip deletions, so a key refreshed by `get` (moved to the end) is met again in its new place.
   */
  private evictOldest(): void {
    for (;;) {
      this.cursor ??= this.map.keys();
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = null;
        continue;
      }
      const v = this.map.get(next.value) as V;
      this.map.delete(next.value);
      this.onEvict?.(next.value, v);
      return;
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.cursor = null;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}
