interface Node<K, V> {
  key: K;
  value: V;
  /** Towards the least recently used end. */
  older: Node<K, V> | null;
  /** Towards the most recently used end. */
  newer: Node<K, V> | null;
}

/**
 * A least-recently-used map with a hard cap on entries: the hot set of profiles and every per-source rule state
 * use it, so memory stays bounded however many sources appear.
 *
 * Recency is a doubly linked list through the entries, so a `get` relinks two nodes and leaves the Map alone.
 * Keeping the order in the Map itself (delete and re-insert on every get) left a deleted slot per access, and
 * V8 rehashed the whole table to reclaim them: that was a quarter of the pipeline's rule and profile work.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, Node<K, V>>();
  private oldest: Node<K, V> | null = null;
  private newest: Node<K, V> | null = null;

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
    const n = this.map.get(key);
    if (n === undefined) return undefined;
    this.touch(n);
    return n.value;
  }

  /** Without refreshing recency. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    const n = this.map.get(key);
    if (n !== undefined) {
      n.value = value;
      this.touch(n);
      return;
    }
    const node: Node<K, V> = { key, value, older: this.newest, newer: null };
    if (this.newest) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
    this.map.set(key, node);
    while (this.map.size > this.capacity) {
      const victim = this.oldest!;
      this.remove(victim);
      this.onEvict?.(victim.key, victim.value);
    }
  }

  delete(key: K): boolean {
    const n = this.map.get(key);
    if (n === undefined) return false;
    this.remove(n);
    return true;
  }

  clear(): void {
    this.map.clear();
    this.oldest = this.newest = null;
  }

  /** Least recently used first. */
  *keys(): IterableIterator<K> {
    for (let n = this.oldest; n; n = n.newer) yield n.key;
  }

  /** Least recently used first. */
  *entries(): IterableIterator<[K, V]> {
    for (let n = this.oldest; n; n = n.newer) yield [n.key, n.value];
  }

  /** Moves `n` to the most recently used end. */
  private touch(n: Node<K, V>): void {
    if (n === this.newest) return;
    this.unlink(n);
    n.older = this.newest;
    n.newer = null;
    this.newest!.newer = n;
    this.newest = n;
  }

  private remove(n: Node<K, V>): void {
    this.unlink(n);
    this.map.delete(n.key);
  }

  private unlink(n: Node<K, V>): void {
    if (n.older) n.older.newer = n.newer;
    else this.oldest = n.newer;
    if (n.newer) n.newer.older = n.older;
    else this.newest = n.older;
    n.older = n.newer = null;
  }
}
