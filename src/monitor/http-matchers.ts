import { isDeepStrictEqual } from 'node:util';

/** An inclusive range of HTTP status codes. */
export type StatusRange = readonly [number, number];

/** One expected status as users write it: `200`, `"200"`, `"200-299"` or `"2xx"`; null when it is none of these. */
export function parseStatusSpec(spec: number | string): StatusRange | null {
  const text = String(spec).trim().toLowerCase();
  let m = /^([1-5])xx$/.exec(text);
  if (m) return [Number(m[1]) * 100, Number(m[1]) * 100 + 99];
  m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(text);
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 100 && hi <= 599 && lo <= hi ? [lo, hi] : null;
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

/** `200-299, 301`. */
export function describeStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(', ');
}

export type JsonPathSegment = string | number;

/**
 * A simple JSON path: `$.status`, `$.data.items[0].state`, `data.items[-1]` (from the end), `$["odd key"]`, or
 * `$` for the whole document. Throws an Error that gives the position of the first thing it cannot read.
 */
export function parseJsonPath(path: string): JsonPathSegment[] {
  const segs: JsonPathSegment[] = [];
  let i = 0;
  if (path.startsWith('$')) i = 1;
  else {
    const m = /^[^.[\]]+/.exec(path);
    if (!m) throw new Error(`expected a key or "$" at position 1`);
    segs.push(m[0]);
    i = m[0].length;
  }
  while (i < path.length) {
    const rest = path.slice(i);
    let m = /^\.([^.[\]]+)/.exec(rest);
    if (m) {
      segs.push(m[1]!);
      i += m[0].length;
      continue;
    }
    m = /^\[(-?\d+)\]/.exec(rest);
    if (m) {
      segs.push(Number(m[1]));
      i += m[0].length;
      continue;
    }
    m = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
    if (m) {
      segs.push((m[1] ?? m[2]!).replace(/\\(.)/g, '$1'));
      i += m[0].length;
      continue;
    }
    throw new Error(`cannot read ${JSON.stringify(rest.slice(0, 20))} at position ${i + 1}: use .key, [index] or ["key"]`);
  }
  return segs;
}

/** `$.data.items[0].state`. */
export function formatJsonPath(segs: readonly JsonPathSegment[]): string {
  return `$${segs.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')}`;
}

/** The value at `segs`, or where the path stopped (`$.data.items` when `items` has no element 3). */
export function jsonPathGet(root: unknown, segs: readonly JsonPathSegment[]): { found: true; value: unknown } | { found: false; missing: string } {
  let cur: unknown = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return { found: false, missing: formatJsonPath(segs.slice(0, i + 1)) };
      const at = seg < 0 ? cur.length + seg : seg;
      if (at < 0 || at >= cur.length) return { found: false, missing: formatJsonPath(segs.slice(0, i + 1)) };
      cur = cur[at];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return { found: false, missing: formatJsonPath(segs.slice(0, i + 1)) };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}

/**
 * Whether the value found matches the expected one: deep equality of JSON values, and across types the way
 * users write expectations in YAML or on a command line — an expected string is read as JSON when the value is
 * not a string (`"true"` matches `true`, `"42"` matches `42`, `'{"a":1}'` matches the object), and an expected
 * number or boolean matches its text (`42` matches `"42"`).
 */
export function jsonValueMatches(actual: unknown, expected: unknown): boolean {
  if (isDeepStrictEqual(actual, expected)) return true;
  if (typeof expected === 'string' && typeof actual !== 'string') {
    try {
      return isDeepStrictEqual(actual, JSON.parse(expected));
    } catch {
      return false;
    }
  }
  if (typeof actual === 'string' && (typeof expected === 'number' || typeof expected === 'boolean')) return actual === String(expected);
  return false;
}
