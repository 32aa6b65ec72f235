import { randomBytes } from 'node:crypto';

/** A source of uniform numbers in [0, 1), like `Math.random`. Seeded in tests, CSPRNG-backed by default. */
export type RandomSource = () => number;

/**
 * The default source: the operating system's CSPRNG, so two installs never derive the same persona from the same
 * state (Math.random's seed is per-process but its output is not meant to be unpredictable).
 */
export function cryptoRandom(): RandomSource {
  return () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48;
}

/**
 * A small deterministic generator (SplitMix32 on a 32-bit seed) for reproducible tests. Not for production:
 * 2^32 seeds would let an attacker enumerate personas.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
    z = (z ^ (z >>> 15)) >>> 0;
    return z / 2 ** 32;
  };
}

/** Helpers over a RandomSource; every generator in the persona takes one of these. */
export class Dice {
  constructor(readonly random: RandomSource) {}

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.random() * items.length)] as T;
  }

  /** Picks by relative weight: `[[value, weight], ...]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.random() * total;
    for (const [value, weight] of items) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.random() * pool.length), 1)[0] as T);
    return out;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += Math.floor(this.random() * 16).toString(16);
    return out;
  }
}
