import { LnmtError, type ErrorDetail } from '../core/errors.js';

/**
 * Reads a channel's settings field by field and collects every problem before failing, so one error lists
 * them all. Each detail names `settings.<field>`; callers move it to where the user wrote it (`body.settings.url`,
 * `notify.channels[0].settings.url`, `--url`).
 */
export class SettingsCheck {
  private readonly details: ErrorDetail[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly settings: Record<string, unknown>, private readonly type: string) {}

  private take(field: string): unknown {
    this.seen.add(field);
    return this.settings[field];
  }

  /** The raw value of a field the caller checks itself (marks it as known). */
  raw(field: string): unknown {
    return this.take(field);
  }

  fail(field: string, value: unknown, message: string, allowed?: string): void {
    const d: ErrorDetail = { where: `settings.${field}`, message };
    if (value !== undefined) d.value = value;
    if (allowed !== undefined) d.allowed = allowed;
    this.details.push(d);
  }

  /** A string without control characters; `undefined` when absent and not required. */
  text(field: string, opts: { required?: boolean; max?: number; pattern?: RegExp; allowed?: string; secret?: boolean } = {}): string | undefined {
    const v = this.take(field);
    const shown = opts.secret ? '***' : v;
    if (v === undefined || v === null || v === '') {
      if (opts.required) this.fail(field, undefined, 'required', opts.allowed ?? 'a non-empty string');
      return undefined;
    }
    const max = opts.max ?? 2048;
    // eslint-disable-next-line no-control-regex
    if (typeof v !== 'string' || v.length > max || /[\u0000-\u001f\u007f]/.test(v) || (opts.pattern && !opts.pattern.test(v))) {
      this.fail(field, shown, 'invalid value', opts.allowed ?? `a string of at most ${max} printable characters`);
      return undefined;
    }
    return v;
  }

  int(field: string, min: number, max: number, fallback: number): number {
    const v = this.take(field);
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.fail(field, v, 'invalid value', `an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  choice<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const v = this.take(field);
    if (v === undefined || v === null) return fallback;
    const hit = allowed.find((a) => a === v);
    if (!hit) this.fail(field, v, 'not an accepted value', `one of ${allowed.join(', ')}`);
    return hit ?? fallback;
  }

  /** An http(s) URL without credentials in it. */
  url(field: string, opts: { required?: boolean; secret?: boolean; hosts?: RegExp; hostsAllowed?: string } = {}): string | undefined {
    const raw = this.text(field, { required: opts.required ?? true, max: 2048, secret: opts.secret, allowed: 'an http:// or https:// URL' });
    if (raw === undefined) return undefined;
    const shown = opts.secret ? '***' : raw;
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      this.fail(field, shown, 'not a URL', 'an http:// or https:// URL');
      return undefined;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      this.fail(field, opts.secret ? `${u.protocol}//***` : raw, 'only http and https are allowed', 'an http:// or https:// URL');
      return undefined;
    }
    if (u.username || u.password) {
      this.fail(field, shown, 'credentials in the URL are not allowed', 'a URL without user:password@ (send credentials in a header)');
      return undefined;
    }
    return u.toString();
  }

  /** A list of strings (a single string counts as a list of one). */
  list(field: string, opts: { required?: boolean; max: number; item: (s: string) => boolean; allowed: string }): string[] {
    const v = this.take(field);
    if (v === undefined || v === null) {
      if (opts.required) this.fail(field, undefined, 'required', opts.allowed);
      return [];
    }
    const items = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(items) || items.length > opts.max || (opts.required && items.length === 0) || !items.every((i) => typeof i === 'string' && opts.item(i))) {
      this.fail(field, v, 'invalid value', opts.allowed);
      return [];
    }
    return items as string[];
  }

  /** A mapping of string to string. */
  record(field: string, opts: { key: (k: string) => boolean; value: (v: string) => boolean; allowed: string; max: number; secretValues?: boolean }): Record<string, string> {
    const v = this.take(field);
    if (v === undefined || v === null) return {};
    const shown = opts.secretValues && v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).map((k) => [k, '***'])) : v;
    if (typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length > opts.max) {
      this.fail(field, shown, 'invalid value', opts.allowed);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (!opts.key(k) || typeof val !== 'string' || !opts.value(val)) {
        this.fail(`${field}.${k}`, opts.secretValues ? '***' : val, 'invalid entry', opts.allowed);
        continue;
      }
      out[k] = val;
    }
    return out;
  }

  /** Fails on settings the type does not know (a typo must not be ignored), then on any problem found. */
  done(): void {
    for (const k of Object.keys(this.settings)) {
      if (!this.seen.has(k)) this.fail(k, undefined, 'unknown setting', `settings of a ${this.type} channel: ${[...this.seen].join(', ') || 'none'}`);
    }
    if (this.details.length === 0) return;
    throw new LnmtError('LNMT_ERR_VALIDATION', `invalid ${this.type} channel settings: ${this.details.map((d) => `${d.where.slice('settings.'.length)} (${d.message})`).join(', ')}`, {
      details: this.details,
    });
  }
}

/** The same error with each detail's `where` rewritten (`settings.url` → `body.settings.url` or `--url`). */
export function relocate(err: unknown, where: (w: string) => string): unknown {
  if (!(err instanceof LnmtError)) return err;
  return new LnmtError(err.code, err.message, { details: err.details.map((d) => ({ ...d, where: where(d.where) })), cause: err.cause });
}

/** Loose e-mail address check: something@something, no spaces or angle brackets. */
export const EMAIL = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$|^[^\s@<>"(),;:]+@localhost$/;
