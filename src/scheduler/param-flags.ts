import type { TSchema } from 'typebox';
import { coerceString, schemaAt } from '../core/config/describe.js';
import type { ErrorDetail } from '../core/errors.js';

/**
 * Job parameters from CLI flags: `--params '<json object>'`, then each `--param key=value` over it. Values take
 * the type the job type's schema wants at that key: lists split on commas (`targets=10.0.0.0/24,10.0.1.5`, and
 * a repeated key adds to the list), numbers and booleans parsed; a value starting with `[` or `{` is read as
 * JSON; nested keys with dots (`options.tcpPorts=22,443`). Whatever does not fit is left for the schema check
 * to report against `--param <key>`.
 */
export function paramsFromFlags(schema: TSchema, pairs: readonly string[], json: string | undefined, problem: (d: ErrorDetail) => void): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      problem({ where: '--params', value: json, message: `not JSON: ${(err as Error).message}`, allowed: 'a JSON object, e.g. \'{"targets":["10.0.0.0/24"]}\'' });
    }
    if (parsed !== undefined) {
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) out = parsed as Record<string, unknown>;
      else problem({ where: '--params', value: json, message: 'not a JSON object', allowed: 'a JSON object, e.g. \'{"targets":["10.0.0.0/24"]}\'' });
    }
  }
  const root = schema as unknown as Record<string, any>;
  const fromPairs = new Set<string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(key)) {
      problem({ where: '--param', value: pair, message: 'expected key=value', allowed: 'key=value, e.g. targets=10.0.0.0/24 or options.tcpPorts=22,443' });
      continue;
    }
    const path = key.split('.');
    const s = schemaAt(root, path);
    const value = valueFor(s, pair.slice(eq + 1));
    const parent = objectAt(out, path.slice(0, -1));
    const last = path[path.length - 1]!;
    // A repeated key adds to a list given by the earlier --param flags (not to one from --params).
    if (Array.isArray(value) && fromPairs.has(key) && Array.isArray(parent[last])) parent[last] = [...(parent[last] as unknown[]), ...value];
    else parent[last] = value;
    fromPairs.add(key);
  }
  return out;
}

function valueFor(s: Record<string, any> | undefined, raw: string): unknown {
  const t = raw.trim();
  if ((t.startsWith('[') || t.startsWith('{')) && s?.type !== 'string') {
    try {
      return JSON.parse(t);
    } catch {
      /* not JSON: coerced below, and the schema check says what is wrong */
    }
  }
  return coerceString(s, raw);
}

function objectAt(root: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let o = root;
  for (const seg of path) {
    const next = o[seg];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[seg] = {};
    o = o[seg] as Record<string, unknown>;
  }
  return o;
}
