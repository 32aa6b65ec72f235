import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { describeAllowed, schemaAt } from './config/describe.js';
import type { ErrorDetail } from './errors.js';

/** ['targets', '2'] → `targets[2]`. */
export function pathText(segs: readonly string[]): string {
  let out = '';
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

function valueAt(data: unknown, segs: readonly string[]): unknown {
  let o: any = data;
  for (const s of segs) {
    if (o === null || typeof o !== 'object') return undefined;
    o = o[s];
  }
  return o;
}

function allowedAt(schema: Record<string, any>, segs: string[]): string {
  const s = schemaAt(schema, segs);
  const text = describeAllowed(s);
  return text === 'a valid value' && typeof s?.description === 'string' ? s.description : text;
}

/**
 * Every problem TypeBox finds in `value`, one detail per field, named through `where` (`params.targets[2]` →
 * `body.params.targets[2]`, `--param targets`): unknown fields, missing required ones, and bad values with
 * what is allowed. Used by inputs validated outside the API's request schemas (check and job parameters).
 */
export function schemaErrorDetails(schema: TSchema, value: unknown, where: (path: string) => string, unknownLabel = 'unknown field'): ErrorDetail[] {
  const root = schema as unknown as Record<string, any>;
  const out = new Map<string, ErrorDetail>();
  for (const err of Value.Errors(schema, value)) {
    const e = err as unknown as { keyword: string; instancePath: string; params: Record<string, any>; message?: string };
    const segs = e.instancePath.split('/').slice(1);
    if (e.keyword === 'boolean') continue; // additionalProperties below explains it
    if (e.keyword === 'additionalProperties') {
      const known = Object.keys(schemaAt(root, segs)?.properties ?? {});
      for (const extra of (e.params.additionalProperties as string[] | undefined) ?? []) {
        const path = pathText([...segs, extra]);
        out.set(path, { where: where(path), value: valueAt(value, [...segs, extra]), message: unknownLabel, allowed: known.length > 0 ? `one of: ${known.join(', ')}` : 'nothing here' });
      }
      continue;
    }
    if (e.keyword === 'required') {
      for (const name of (e.params.requiredProperties as string[] | undefined) ?? []) {
        const path = pathText([...segs, name]);
        out.set(path, { where: where(path), message: 'required', allowed: allowedAt(root, [...segs, name]) });
      }
      continue;
    }
    const path = pathText(segs);
    if (!out.has(path)) out.set(path, { where: where(path), value: valueAt(value, segs), message: e.message ?? 'invalid value', allowed: allowedAt(root, segs) });
  }
  return [...out.values()];
}
