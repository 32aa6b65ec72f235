import { hash32 } from './seeded-random.js';

/**
 * Load averages of an idle server: small values that drift slowly and deterministically with time, so
 * `uptime`, `w`, `top` and `/proc/loadavg` read at the same instant agree.
 */
export function loadAverages(seed: string, now: number): [number, number, number] {
  const minute = Math.floor(now / 60_000);
  const wave = (offset: number, scale: number): number => {
    const h = hash32(`${seed}:${minute + offset}`) / 4294967296;
    return Math.round(h * scale * 100) / 100;
  };
  const one = wave(0, 0.3);
  const five = Math.round(((one + wave(-3, 0.2) + wave(-4, 0.2)) / 3) * 100) / 100;
  const fifteen = Math.round(((five + wave(-10, 0.15)) / 2) * 100) / 100;
  return [one, five, fifteen];
}

/** `0.00, 0.01, 0.05` */
export function loadText(avg: [number, number, number]): string {
  return avg.map((v) => v.toFixed(2)).join(', ');
}
