/**
 * The monitor's one schedule: a binary min-heap of (due time, check id). Rescheduling pushes a new entry and
 * bumps the check's generation; stale entries are dropped when they surface, so updates are O(log n) and no
 * check ever owns a timer.
 */
interface Entry {
  due: number;
  id: string;
  gen: number;
}

export class DueQueue {
  private readonly heap: Entry[] = [];
  private readonly gens = new Map<string, number>();
  /** Global, so an entry left behind by a removed check can never match the check's next schedule. */
  private nextGen = 0;

  get size(): number {
    return this.gens.size;
  }

  schedule(id: string, due: number): void {
    const gen = ++this.nextGen;
    this.gens.set(id, gen);
    this.push({ due, id, gen });
  }

  remove(id: string): void {
    this.gens.delete(id);
  }

  has(id: string): boolean {
    return this.gens.has(id);
  }

  /** Earliest due time of a live entry, or null when empty. */
  peek(): number | null {
    this.dropStale();
    return this.heap.length > 0 ? this.heap[0]!.due : null;
  }

  /** Removes and returns the checks due at or before `now`, earliest first. A popped check is unscheduled. */
  popDue(now: number, max = Infinity): Array<{ id: string; due: number }> {
    const out: Array<{ id: string; due: number }> = [];
    while (out.length < max) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.due > now) break;
      this.pop();
      this.gens.delete(top.id);
      out.push({ id: top.id, due: top.due });
    }
    return out;
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.gens.get(top.id) === top.gen) return;
      this.pop();
    }
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.due <= e.due) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.due < h[l]!.due ? r : l;
      if (h[c]!.due >= last.due) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
