import { LnmtError, type ErrorDetail } from '../core/errors.js';

/** A CLI flag that sets a config key; validated by the config schema together with the file and env. */
export interface ConfigFlag {
  key: string;
  value: unknown;
  flag: string;
}

/**
 * Collects every bad flag value of one command before failing, so the user fixes them all at once. Each
 * problem names the flag, the value given and what is allowed (LNMT_ERR_VALIDATION, exit code 2).
 */
export class FlagCheck {
  private readonly details: ErrorDetail[] = [];

  /** An integer flag; `undefined` when not given (the caller's default applies). */
  int(flag: string, raw: string | undefined, range: { min: number; max: number }): number | undefined {
    if (raw === undefined) return undefined;
    const allowed = `an integer from ${range.min} to ${range.max}`;
    if (!/^[+-]?\d+$/.test(raw.trim())) {
      this.add({ where: flag, value: raw, message: 'not an integer', allowed });
      return undefined;
    }
    const n = Number(raw);
    if (n < range.min || n > range.max) {
      this.add({ where: flag, value: raw, message: 'out of range', allowed });
      return undefined;
    }
    return n;
  }

  /** One of a fixed set of words (case-insensitive). */
  choice<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
    if (raw === undefined) return undefined;
    const hit = allowed.find((a) => a === raw.trim().toLowerCase());
    if (!hit) this.add({ where: flag, value: raw, message: 'not an accepted value', allowed: `one of ${allowed.join(', ')}` });
    return hit;
  }

  /** A non-empty string of bounded length without control characters. */
  text(flag: string, raw: string | undefined, maxLength: number): string | undefined {
    if (raw === undefined) return undefined;
    // eslint-disable-next-line no-control-regex
    if (raw.length === 0 || raw.length > maxLength || /[\u0000-\u001f\u007f]/.test(raw)) {
      this.add({ where: flag, value: raw, message: 'not an accepted text', allowed: `1 to ${maxLength} printable characters` });
      return undefined;
    }
    return raw;
  }

  add(detail: ErrorDetail): void {
    this.details.push(detail);
  }

  get ok(): boolean {
    return this.details.length === 0;
  }

  /** Throws LNMT_ERR_VALIDATION listing every problem found so far. */
  done(): void {
    if (this.details.length === 0) return;
    const n = this.details.length;
    throw new LnmtError('LNMT_ERR_VALIDATION', n === 1 ? `invalid value for ${this.details[0]!.where}` : `${n} invalid options`, { details: this.details });
  }
}

/**
 * `22,80,8000-8010` → `[22, 80, 8000, ..., 8010]`. Pieces that are not ports are kept as text so the config
 * schema reports them against `--ports` with what is allowed; a list longer than `max` is refused here so the
 * error does not echo thousands of numbers.
 */
export function expandPorts(check: FlagCheck, raw: string, max: number): unknown[] {
  const out: unknown[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(part);
    if (m && Number(m[1]) <= Number(m[2])) {
      for (let p = Number(m[1]); p <= Number(m[2]) && out.length <= max; p++) out.push(p);
    } else {
      out.push(/^\d+$/.test(part) ? Number(part) : part);
    }
    if (out.length > max) {
      check.add({ where: '--ports', value: raw, message: 'too many ports', allowed: `at most ${max} ports (single ports or ranges like 8000-8010)` });
      return [];
    }
  }
  return out;
}
