/** Durations as people write them in flags and job definitions: `30s`, `5m`, `1h30m`, `2d`, `500ms`. */

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ORDER = ['d', 'h', 'm', 's', 'ms'] as const;

export const DURATION_ALLOWED = 'a duration such as 30s, 5m, 1h30m or 1d (units: ms, s, m, h, d)';

/** Milliseconds, or null when the text is not a duration. Units must not repeat and go from large to small. */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(t)) return null;
  let total = 0;
  let lastRank = -1;
  for (const m of t.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    const rank = ORDER.indexOf(m[2] as (typeof ORDER)[number]);
    if (rank <= lastRank) return null;
    lastRank = rank;
    total += Number(m[1]) * UNITS[m[2]!]!;
  }
  return Number.isSafeInteger(total) ? total : null;
}

/** The shortest spelling: 90000 → `1m30s`, 3600000 → `1h`, 1500 → `1s500ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const u of ORDER) {
    const n = Math.floor(rest / UNITS[u]!);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * UNITS[u]!;
    }
  }
  return out;
}
