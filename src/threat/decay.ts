/**
 * Threat scores decay exponentially: after one half-life a score is worth half. Decay is computed lazily from
 * the time of the last update, so no profile ever needs a timer; a stored score is `(value, at)`.
 */
export interface DecayingScore {
  value: number;
  /** Epoch ms the value was last brought up to date. */
  at: number;
}

/** The score at `now` (never increases; an `at` in the future counts as now). */
export function decayed(score: DecayingScore, now: number, halfLifeMs: number): number {
  const dt = now - score.at;
  if (dt <= 0 || score.value === 0) return score.value;
  return score.value * Math.pow(2, -dt / halfLifeMs);
}

/** The score at `now` rounded to hundredths: what detections, campaigns and the API show. */
export function shownScore(score: DecayingScore, now: number, halfLifeMs: number): number {
  return Math.round(decayed(score, now, halfLifeMs) * 100) / 100;
}

/**
 * Adds `amount` observed at `time`. A deposit older than the score's time (late events from an offline sensor)
 * is decayed to the score's time instead of rewinding it, so the result does not depend on arrival order.
 */
export function deposit(score: DecayingScore, amount: number, time: number, halfLifeMs: number): DecayingScore {
  if (time >= score.at) return { value: decayed(score, time, halfLifeMs) + amount, at: time };
  return { value: score.value + amount * Math.pow(2, -(score.at - time) / halfLifeMs), at: score.at };
}

/**
 * A sort key for "current score, highest first" that does not change as time passes: log2(score) + at / H.
 * Every score decays by the same factor, so ordering by this key is ordering by the decayed score at any
 * instant, and an index on it serves `sort=score` without recomputing a million rows.
 */
export function rankKey(score: DecayingScore, halfLifeMs: number): number {
  if (score.value <= 0) return -1e300;
  return Math.log2(score.value) + score.at / halfLifeMs;
}

/** The score at `now` from a rank key (inverse of `rankKey`). */
export function scoreFromRank(rank: number, now: number, halfLifeMs: number): number {
  if (rank <= -1e299) return 0;
  return Math.pow(2, rank - now / halfLifeMs);
}

/** The smallest rank key whose score at `now` is at least `min` (for `min_score` filters). */
export function rankFloor(min: number, now: number, halfLifeMs: number): number {
  return min <= 0 ? -Infinity : Math.log2(min) + now / halfLifeMs;
}
