import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Settings } from 'typebox/system';
import Value from 'typebox/value';
import { parseDocument } from 'yaml';
import { LnmtError, type ErrorDetail } from '../errors.js';
import { redactUrl } from '../redact-url.js';
import { defaultConfig } from './defaults.js';
import { coerceString, describeAllowed, schemaAt } from './describe.js';
import { ConfigSchema, SECRET_KEYS, type LnmtConfig } from './schema.js';

export interface ConfigInput {
  /** `--config` flag value; when absent `./lnmt.yaml` is used if it exists. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** CLI flags already mapped to dotted keys, e.g. `{ 'api.port': 9000 }`, with the flag name for errors. */
  flags?: Array<{ key: string; value: unknown; flag: string }>;
  cwd?: string;
}

export interface LoadedConfig {
  config: LnmtConfig;
  /** The YAML file used, if any. */
  file: string | null;
  /** Where each non-default key came from: a file, `env LNMT_...`, or `flag --...`. */
  sources: Record<string, string>;
}

/** Variables with the LNMT_ prefix that are not settings (used by the CLI as an API client). */
const NON_CONFIG_ENV = new Set(['LNMT_CONFIG', 'LNMT_TOKEN', 'LNMT_URL']);
const SCHEMA = ConfigSchema as unknown as Record<string, any>;

/**
 * Loads defaults, then the YAML file, then `LNMT_*` variables (`__` separates levels: `LNMT_API__PORT`,
 * `LNMT_SCANNER__TIMEOUT_MS`, `LNMT_DATA_DIR`), then flags, and validates the result. Throws LNMT_ERR_CONFIG
 * listing every bad key with its value, where it came from and what is allowed. Touches nothing on disk.
 */
export function loadConfig(input: ConfigInput = {}): LoadedConfig {
  const cwd = input.cwd ?? process.cwd();
  const env = input.env ?? process.env;
  const merged = defaultConfig() as unknown as Record<string, unknown>;
  const sources: Record<string, string> = {};
  const details: ErrorDetail[] = [];

  const explicit = input.file ?? env.LNMT_CONFIG;
  let file: string | null = null;
  if (explicit) {
    file = resolve(cwd, explicit);
    if (!existsSync(file)) {
      throw new LnmtError('LNMT_ERR_CONFIG', `config file not found: ${file}`, {
        details: [{ where: input.file ? '--config' : 'env LNMT_CONFIG', value: explicit, message: 'file does not exist', allowed: 'a readable YAML file' }],
      });
    }
  } else if (existsSync(resolve(cwd, 'lnmt.yaml'))) {
    file = resolve(cwd, 'lnmt.yaml');
  }

  if (file) {
    const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new LnmtError('LNMT_ERR_CONFIG', `config file ${file} is not valid YAML`, {
        details: doc.errors.map((e) => ({ where: `${file}:${e.linePos?.[0]?.line ?? '?'}:${e.linePos?.[0]?.col ?? '?'}`, message: e.message.split('\n')[0] ?? e.message })),
      });
    }
    const data: unknown = doc.toJS();
    if (data !== null && data !== undefined) {
      if (typeof data !== 'object' || Array.isArray(data)) {
        throw new LnmtError('LNMT_ERR_CONFIG', `config file ${file} must be a YAML mapping at the top level`);
      }
      mergeInto(merged, data as Record<string, unknown>, [], sources, file);
    }
  }

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('LNMT_') || NON_CONFIG_ENV.has(name) || raw === undefined) continue;
    const path = envPath(name);
    if (!path) {
      details.push({ where: `env ${name}`, message: 'unknown setting (its value is not shown: it may be a secret)', allowed: `LNMT_<KEY> with __ between levels, for keys: ${Object.keys(SCHEMA.properties).join(', ')}` });
      continue;
    }
    setPath(merged, path, coerceString(schemaAt(SCHEMA, path), raw));
    sources[path.join('.')] = `env ${name}`;
  }

  for (const f of input.flags ?? []) {
    const path = f.key.split('.');
    setPath(merged, path, typeof f.value === 'string' ? coerceString(schemaAt(SCHEMA, path), f.value) : f.value);
    sources[f.key] = `flag ${f.flag}`;
  }

  details.push(...validate(merged, sources));
  if (details.length === 0) details.push(...crossCheck(merged as unknown as LnmtConfig, sources));
  if (details.length > 0) {
    throw new LnmtError('LNMT_ERR_CONFIG', `configuration is invalid (${details.length} problem${details.length > 1 ? 's' : ''})`, { details });
  }
  return { config: merged as unknown as LnmtConfig, file, sources };
}

function validate(value: Record<string, unknown>, sources: Record<string, string>): ErrorDetail[] {
  const out = new Map<string, ErrorDetail>();
  // TypeBox stops collecting at `maxErrors` (8 by default), and one bad enum value alone yields 8 (one per
  // literal plus the anyOf): every other problem would be hidden. Raised for this one synchronous call.
  const maxErrors = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 10_000 });
  let errors: unknown[];
  try {
    errors = [...Value.Errors(ConfigSchema, value)];
  } finally {
    Settings.Set({ maxErrors });
  }
  for (const err of errors) {
    const e = err as { instancePath: string; keyword: string; params: Record<string, any> };
    const path = e.instancePath.split('/').filter(Boolean);
    if (e.keyword === 'additionalProperties' && path.some((_, i) => Array.isArray(schemaAt(SCHEMA, path.slice(0, i + 1))?.anyOf))) continue;
    if (e.keyword === 'additionalProperties') {
      for (const extra of e.params.additionalProperties as string[]) {
        const key = [...path, extra].join('.');
        const parent = schemaAt(SCHEMA, path);
        out.set(key, {
          where: withSource(key, sources),
          value: getPath(value, [...path, extra]),
          message: 'unknown key',
          allowed: `keys of ${path.join('.') || 'the top level'}: ${Object.keys(parent?.properties ?? {}).join(', ')}`,
        });
      }
      continue;
    }
    if (e.keyword === 'boolean') continue; // the additionalProperties entry above explains it
    // Inside a union, the union's own error (listing its variants) explains the problem better.
    if (path.some((_, i) => i < path.length && Array.isArray(schemaAt(SCHEMA, path.slice(0, i + 1))?.anyOf) && i + 1 < path.length)) continue;
    const key = path.join('.');
    if (out.has(key)) continue;
    const schema = schemaAt(SCHEMA, path);
    const given = getPath(value, path);
    // Errors name the value given, but never a secret's (ErrorDetail.value is "already masked if secret").
    const shown = SECRET_KEYS.includes(key) && typeof given === 'string' ? redactUrl(given) : given;
    out.set(key, { where: withSource(key, sources), value: shown, message: 'invalid value', allowed: describeAllowed(schema) });
  }
  return [...out.values()];
}

/**
 * Rules between keys. The adaptive scan timeout lives in [minTimeoutMs, timeoutMs]: a floor set explicitly
 * above the ceiling is an error naming both; a ceiling set below the default floor lowers the floor with it.
 */
function crossCheck(config: LnmtConfig, sources: Record<string, string>): ErrorDetail[] {
  const s = config.scanner;
  if (s.minTimeoutMs <= s.timeoutMs) return [];
  if (sources['scanner.minTimeoutMs'] === undefined) {
    s.minTimeoutMs = s.timeoutMs;
    return [];
  }
  return [{ where: withSource('scanner.minTimeoutMs', sources), value: s.minTimeoutMs, message: `above scanner.timeoutMs (${s.timeoutMs})`, allowed: `at most scanner.timeoutMs (${s.timeoutMs})` }];
}

function withSource(key: string, sources: Record<string, string>): string {
  const src = sources[key] ?? Object.entries(sources).find(([k]) => key.startsWith(`${k}.`))?.[1];
  return src ? `${key} (from ${src})` : key;
}

/** `LNMT_SCANNER__TIMEOUT_MS` → ['scanner', 'timeoutMs'], matched against the schema's real key names. */
function envPath(name: string): string[] | null {
  const segs = name.slice('LNMT_'.length).split('__');
  const path: string[] = [];
  let s: Record<string, any> | undefined = SCHEMA;
  for (const seg of segs) {
    const want = seg.replace(/_/g, '').toLowerCase();
    const key: string | undefined = s?.properties ? Object.keys(s.properties).find((k) => k.toLowerCase() === want) : undefined;
    if (!key) return null;
    path.push(key);
    s = s?.properties[key];
  }
  return path;
}

function mergeInto(target: Record<string, unknown>, src: Record<string, unknown>, path: string[], sources: Record<string, string>, origin: string): void {
  for (const [k, v] of Object.entries(src)) {
    const here = [...path, k];
    const cur = target[k];
    // A union (e.g. an accept policy: `{mode: never}` vs `{mode: after, attempts}`) is replaced whole, never
    // merged: fields of the default variant would not belong to the one the user chose.
    const isUnion = Array.isArray(schemaAt(SCHEMA, here)?.anyOf);
    if (!isUnion && v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      mergeInto(cur as Record<string, unknown>, v as Record<string, unknown>, here, sources, origin);
    } else {
      target[k] = v;
      sources[here.join('.')] = origin;
    }
  }
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const seg of path.slice(0, -1)) {
    if (!o[seg] || typeof o[seg] !== 'object') o[seg] = {};
    o = o[seg] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

function getPath(obj: unknown, path: string[]): unknown {
  let o = obj as any;
  for (const seg of path) o = o?.[seg];
  return o;
}

/** A deep copy with secrets masked, for `config show` and logs. */
export function maskSecrets(config: LnmtConfig): LnmtConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const key of SECRET_KEYS) {
    const path = key.split('.');
    const v = getPath(copy, path);
    if (typeof v === 'string') setPath(copy, path, redactUrl(v));
  }
  return copy as unknown as LnmtConfig;
}
