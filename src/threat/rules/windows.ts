import { Lru } from '../lru.js';

/**
 * Per-source sliding windows in event time. An entry counts while `now - t <= window` (the boundary is
 * inclusive: N events spanning exactly T fire a rule of "N within T"). Each source keeps at most `threshold`
 * entries, and sources are an LRU, so state is bounded by threshold × maxSources.
 */
export class CountWindows {
  private readonly bySrc: Lru<string, Array<{ t: number; id: string }>>;
  constructor(private readonly windowMs: number, private readonly threshold: number, maxSources: number) {
    this.bySrc = new Lru(maxSources);
  }

  /** Adds one event; returns the ids in the window when it holds `threshold` events. */
  add(src: string, t: number, id: string): string[] | null {
    let list = this.bySrc.get(src);
    if (!list) this.bySrc.set(src, (list = []));
    list.push({ t, id });
    // Events may arrive slightly out of order (several sensors): keep the list sorted by time.
    for (let i = list.length - 1; i > 0 && list[i - 1]!.t > list[i]!.t; i--) [list[i - 1], list[i]] = [list[i]!, list[i - 1]!];
    const newest = list[list.length - 1]!.t;
    let drop = 0;
    while (drop < list.length && newest - list[drop]!.t > this.windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
    if (list.length > this.threshold) list.splice(0, list.length - this.threshold);
    return list.length >= this.threshold ? list.map((e) => e.id) : null;
  }

  reset(src: string): void {
    this.bySrc.delete(src);
  }
}

/** Distinct values per source within a window (ports, usernames): the last sighting of each value counts. */
export class DistinctWindows {
  private readonly bySrc: Lru<string, Map<string, { t: number; id: string }>>;
  constructor(private readonly windowMs: number, private readonly threshold: number, maxSources: number) {
    this.bySrc = new Lru(maxSources);
  }

  add(src: string, value: string, t: number, id: string): { values: string[]; ids: string[] } | null {
    let m = this.bySrc.get(src);
    if (!m) this.bySrc.set(src, (m = new Map()));
    const prev = m.get(value);
    if (!prev || prev.t <= t) {
      m.delete(value);
      m.set(value, { t, id });
    }
    let newest = t;
    for (const e of m.values()) if (e.t > newest) newest = e.t;
    for (const [k, e] of m) if (newest - e.t > this.windowMs) m.delete(k);
    // Bound: past the threshold the oldest values are no longer needed to decide.
    while (m.size > this.threshold) m.delete(m.keys().next().value as string);
    if (m.size < this.threshold) return null;
    return { values: [...m.keys()], ids: [...m.values()].map((e) => e.id) };
  }

  reset(src: string): void {
    this.bySrc.delete(src);
  }
}
