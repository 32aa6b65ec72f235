import { parseDuration } from './duration.js';
import { RULE_TYPES } from './registry.js';
import { SEVERITIES, type ParamSpec, type ParamValue, type Params, type RuleType, type ThreatSeverity } from './rule-type.js';

/** A rule as configured: common keys plus the parameters of its type. */
export interface RuleDefinition {
  name: string;
  type: RuleType;
  severity: ThreatSeverity;
  enabled: boolean;
  /** After a firing, the same rule stays quiet for the same source this long. */
  suppressMs: number;
  /** Only events of these services / sensors (null = all). */
  services: string[] | null;
  sensors: string[] | null;
  params: Params;
}

/** A problem in one rule, pointing at the key (path below the rule) that caused it. */
export interface RuleProblem {
  path: Array<string | number>;
  message: string;
}

const COMMON = ['name', 'type', 'severity', 'enabled', 'suppress', 'services', 'sensors'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const DEFAULT_SUPPRESS_MS = 600_000;

function stringList(v: unknown, path: Array<string | number>, problems: RuleProblem[]): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 128)) {
    problems.push({ path, message: 'must be a list of non-empty strings' });
    return null;
  }
  return v as string[];
}

function parseParam(key: string, spec: ParamSpec, v: unknown, problems: RuleProblem[]): ParamValue {
  const bad = (message: string) => {
    problems.push({ path: [key], message });
    return spec.default as ParamValue;
  };
  if (v === undefined) {
    if (spec.kind === 'patterns') return spec.default.map((p) => ({ name: p.name, regex: new RegExp(p.regex, 'i') }));
    return spec.default as ParamValue;
  }
  switch (spec.kind) {
    case 'int':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v) || (spec.kind === 'int' && !Number.isInteger(v)) || v < spec.min || v > spec.max) return bad(`must be ${spec.kind === 'int' ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max} (${spec.doc})`);
      return v;
    case 'duration': {
      const ms = parseDuration(v);
      if (ms === null || ms < spec.min || ms > spec.max) return bad(`must be a duration like 30s, 10m, 1h (or milliseconds) from ${spec.min} ms to ${spec.max} ms`);
      return ms;
    }
    case 'bool':
      return typeof v === 'boolean' ? v : bad('must be true or false');
    case 'strings':
      if (!Array.isArray(v) || v.length > spec.maxItems || v.some((x) => typeof x !== 'string')) return bad(`must be a list of at most ${spec.maxItems} strings`);
      return v as string[];
    case 'patterns': {
      if (!Array.isArray(v) || v.length === 0 || v.length > spec.maxItems) return bad(`must be a list of 1 to ${spec.maxItems} {name, regex} entries`);
      const out: Array<{ name: string; regex: RegExp }> = [];
      v.forEach((p: unknown, i) => {
        const e = p as { name?: unknown; regex?: unknown };
        if (typeof p !== 'object' || p === null || typeof e.name !== 'string' || typeof e.regex !== 'string') {
          problems.push({ path: [key, i], message: 'must be {name: <text>, regex: <regular expression>}' });
          return;
        }
        try {
          out.push({ name: e.name, regex: new RegExp(e.regex, 'i') });
        } catch (err) {
          problems.push({ path: [key, i, 'regex'], message: `not a valid regular expression: ${(err as Error).message}` });
        }
      });
      return out;
    }
  }
}

/** Validates one rule object; problems name the key below the rule. */
export function parseRule(raw: unknown): { rule: RuleDefinition | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { rule: null, problems: [{ path: [], message: 'a rule must be a mapping (name, type, ...)' }] };
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || !NAME.test(r.name)) problems.push({ path: ['name'], message: 'must be a name of letters, digits, . _ - (up to 64)' });
  const type = typeof r.type === 'string' ? RULE_TYPES.get(r.type) : undefined;
  if (!type) {
    problems.push({ path: ['type'], message: `unknown rule type ${JSON.stringify(r.type)}; known: ${[...RULE_TYPES.keys()].join(', ')}` });
    return { rule: null, problems };
  }
  let severity: ThreatSeverity = type.defaultSeverity;
  if (r.severity !== undefined) {
    if (typeof r.severity === 'string' && (SEVERITIES as readonly string[]).includes(r.severity)) severity = r.severity as ThreatSeverity;
    else problems.push({ path: ['severity'], message: `must be one of ${SEVERITIES.join(', ')}` });
  }
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') problems.push({ path: ['enabled'], message: 'must be true or false' });
  let suppressMs = DEFAULT_SUPPRESS_MS;
  if (r.suppress !== undefined) {
    const ms = parseDuration(r.suppress);
    if (ms === null || ms > 30 * 86_400_000) problems.push({ path: ['suppress'], message: 'must be a duration like 10m (up to 30d), 0 for none' });
    else suppressMs = ms;
  }
  const services = stringList(r.services, ['services'], problems);
  const sensors = stringList(r.sensors, ['sensors'], problems);
  const params: Params = {};
  for (const [key, spec] of Object.entries(type.params)) params[key] = parseParam(key, spec as ParamSpec, r[key], problems);
  for (const key of Object.keys(r)) {
    if (!COMMON.includes(key) && !(key in type.params)) {
      const allowed = [...COMMON, ...Object.keys(type.params)].join(', ');
      problems.push({ path: [key], message: `unknown key for a ${type.name} rule; allowed: ${allowed}` });
    }
  }
  if (problems.length > 0) return { rule: null, problems };
  return { rule: { name: r.name as string, type, severity, enabled: r.enabled !== false, suppressMs, services, sensors, params }, problems };
}
