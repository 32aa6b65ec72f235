/**
 * Repeat offenders get longer bans: `base × multiplier^earlier`, where `earlier` counts the target's bans within
 * the lookback, capped at `max`. Permanent (null) stays permanent.
 */
export function escalatedDuration(baseMs: number | null, earlier: number, o: { multiplier: number; maxDurationMs: number }): number | null {
  if (baseMs === null) return null;
  if (earlier <= 0) return baseMs;
  const grown = baseMs * o.multiplier ** earlier;
  // An explicit base above the cap is left alone: the cap limits growth, not what the operator asked for.
  return Math.max(baseMs, Math.min(grown, o.maxDurationMs));
}
