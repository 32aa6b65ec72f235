import type { ChannelType } from './channel-type.js';

export const MASK = '***';
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** `env:SLACK_URL` → `SLACK_URL`; null for anything else. */
export function envRefName(v: unknown): string | null {
  return typeof v === 'string' ? (ENV_REF.exec(v)?.[1] ?? null) : null;
}

/** A secret as shown: a URL keeps its origin (`https://hooks.slack.com/***`), anything else is `***`. */
export function maskValue(v: unknown): unknown {
  if (typeof v !== 'string') return MASK;
  if (envRefName(v)) return v;
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return `${u.origin}/${MASK}`;
  } catch {
    // not a URL
  }
  return MASK;
}

/**
 * The settings with every secret field masked (mappings such as `headers` value by value). `declared`, for a
 * channel from the config file, shows its `env:` references instead, which are not secret.
 */
export function maskSettings(type: ChannelType, settings: Record<string, unknown>, declared?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...settings };
  for (const f of type.secretFields) {
    const v = declared?.[f] ?? settings[f];
    if (v === undefined || v === null) continue;
    out[f] = typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskValue(x)])) : maskValue(v);
  }
  return out;
}

/**
 * Applies a settings patch: `null` removes a field; a secret sent back exactly as it is shown masked keeps
 * the stored value (so a client can round-trip what it read); anything else replaces.
 */
export function mergeSettings(type: ChannelType, current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete out[k];
      continue;
    }
    if (type.secretFields.includes(k)) {
      const cur = current[k];
      if (typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object') {
        const curObj = cur as Record<string, unknown>;
        out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([hk, hv]) => [hk, hv === maskValue(curObj[hk]) && hk in curObj ? curObj[hk] : hv]));
        continue;
      }
      if (cur !== undefined && v === maskValue(cur)) continue;
    }
    out[k] = v;
  }
  return out;
}

/**
 * A config-file channel's settings with its `env:` references replaced by the variables' values. Secret fields
 * must be references (`literal` lists those that are not); `missing` lists the variables not set.
 */
export function resolveEnvRefs(type: ChannelType, declared: Record<string, unknown>, env: NodeJS.ProcessEnv): { settings: Record<string, unknown>; literal: string[]; missing: string[] } {
  const settings: Record<string, unknown> = { ...declared };
  const literal: string[] = [];
  const missing: string[] = [];
  const resolve = (path: string, v: unknown): unknown => {
    const name = envRefName(v);
    if (name === null) {
      literal.push(path);
      return v;
    }
    const value = env[name];
    if (value === undefined || value === '') missing.push(`${name} (${path})`);
    return value;
  };
  for (const f of type.secretFields) {
    const v = declared[f];
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      settings[f] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, resolve(`settings.${f}.${k}`, x)]));
    } else {
      settings[f] = resolve(`settings.${f}`, v);
    }
  }
  return { settings, literal, missing };
}
