/**
 * Sorted, non-overlapping address ranges held in typed arrays, each pointing at an entry of a shared table of
 * `{ asn, country, org }` values (one per distinct AS/country/name, so ~500k ranges share ~80k values). An IPv4
 * range costs 12 bytes, an IPv6 range 36; a lookup is a binary search for the last range starting at or below
 * the address. Ranges are added while a file streams in, then `seal()` sorts and trims them once.
 */

type Typed = Uint32Array | BigUint64Array;

/** A growable typed array: rows arrive streamed, their number unknown until the end. */
class Column<A extends Typed> {
  length = 0;
  private data: A;

  constructor(private readonly make: (n: number) => A) {
    this.data = make(1024);
  }

  push(v: A[number]): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data as never);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  at(i: number): A[number] {
    return this.data[i]!;
  }

  /** The filled part in a right-sized array (the spare capacity is freed), reordered by `order` if given. */
  final(order: Uint32Array | undefined): A {
    const out = this.make(this.length);
    if (order) for (let i = 0; i < this.length; i++) out[i] = this.data[order[i]!]!;
    else out.set(this.data.subarray(0, this.length) as never);
    this.data = this.make(0);
    this.length = 0;
    return out;
  }
}

const u32 = (n: number) => new Uint32Array(n);
const u64 = (n: number) => new BigUint64Array(n);

/** The order that sorts `n` rows by start, or undefined when they already are (as ip2asn files ship). */
function sortOrder(n: number, less: (a: number, b: number) => boolean): Uint32Array | undefined {
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (less(i, i - 1)) sorted = false;
  if (sorted) return undefined;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
}

/** IPv4 ranges: start and end as unsigned 32-bit integers (inclusive). */
export class Ipv4Ranges {
  private readonly building = { starts: new Column(u32), ends: new Column(u32), values: new Column(u32) };
  private starts = u32(0);
  private ends = u32(0);
  private values = u32(0);
  private sealed = false;

  get size(): number {
    return this.sealed ? this.starts.length : this.building.starts.length;
  }

  add(start: number, end: number, value: number): void {
    const b = this.building;
    b.starts.push(start);
    b.ends.push(end);
    b.values.push(value);
  }

  /** Sorts (if needed) and trims the arrays; call once, after the last `add`. */
  seal(): void {
    const b = this.building;
    const order = sortOrder(b.starts.length, (x, y) => b.starts.at(x) < b.starts.at(y));
    this.starts = b.starts.final(order);
    this.ends = b.ends.final(order);
    this.values = b.values.final(order);
    this.sealed = true;
  }

  /** The value index of the range holding `ip`, or -1. */
  find(ip: number): number {
    if (!this.sealed) throw new Error('Ipv4Ranges.find before seal()');
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= ip) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && ip <= this.ends[at]! ? this.values[at]! : -1;
  }
}

/** IPv6 ranges: start and end as high and low 64-bit halves (inclusive). */
export class Ipv6Ranges {
  private readonly building = { startHi: new Column(u64), startLo: new Column(u64), endHi: new Column(u64), endLo: new Column(u64), values: new Column(u32) };
  private startHi = u64(0);
  private startLo = u64(0);
  private endHi = u64(0);
  private endLo = u64(0);
  private values = u32(0);
  private sealed = false;

  get size(): number {
    return this.sealed ? this.startHi.length : this.building.startHi.length;
  }

  add(start: { hi: bigint; lo: bigint }, end: { hi: bigint; lo: bigint }, value: number): void {
    const b = this.building;
    b.startHi.push(start.hi);
    b.startLo.push(start.lo);
    b.endHi.push(end.hi);
    b.endLo.push(end.lo);
    b.values.push(value);
  }

  /** Sorts (if needed) and trims the arrays; call once, after the last `add`. */
  seal(): void {
    const b = this.building;
    const less = (x: number, y: number) => b.startHi.at(x) < b.startHi.at(y) || (b.startHi.at(x) === b.startHi.at(y) && b.startLo.at(x) < b.startLo.at(y));
    const order = sortOrder(b.startHi.length, less);
    this.startHi = b.startHi.final(order);
    this.startLo = b.startLo.final(order);
    this.endHi = b.endHi.final(order);
    this.endLo = b.endLo.final(order);
    this.values = b.values.final(order);
    this.sealed = true;
  }

  /** The value index of the range holding the address `hi:lo`, or -1. */
  find(hi: bigint, lo: bigint): number {
    if (!this.sealed) throw new Error('Ipv6Ranges.find before seal()');
    const sh = this.startHi;
    const sl = this.startLo;
    let a = 0;
    let b = sh.length - 1;
    let at = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      if (sh[mid]! < hi || (sh[mid] === hi && sl[mid]! <= lo)) {
        at = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    if (at < 0) return -1;
    const eh = this.endHi[at]!;
    return hi < eh || (hi === eh && lo <= this.endLo[at]!) ? this.values[at]! : -1;
  }
}
