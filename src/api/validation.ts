import type { FastifyRequest, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { describeAllowed } from '../core/config/describe.js';
import type { ErrorDetail } from '../core/errors.js';

type Schema = Record<string, any>;
type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

/**
 * Validates every request part with TypeBox's compiled checker. Query strings, path parameters and headers
 * arrive as strings, so they are converted to the schema's types and get their defaults first; bodies are
 * JSON and are checked as sent (no coercion: `{"ip": 5}` is an error, not "5"). Unknown fields are errors,
 * never silently dropped, so a typo (`?stauts=online`) is reported instead of ignored.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  if (httpPart === 'body') {
    return (value: unknown) => (check.Check(value) ? { value } : { error: check.Errors(value) as FastifySchemaValidationError[] });
  }
  const coerce = flatCoercer(schema as Schema) ?? ((value: unknown) => Value.Convert(schema, Value.Default(schema, Value.Clone(value))));
  return (value: unknown) => {
    const converted = coerce(value);
    return check.Check(converted) ? { value: converted } : { error: check.Errors(converted) as FastifySchemaValidationError[] };
  };
};

/**
 * The common case — an object of scalar fields, as every query string and path of this API is — converted by a
 * loop built once per route: numbers and booleans parsed from their text, defaults filled in, anything that
 * does not parse left as it was for the checker to report. TypeBox's generic `Value.Convert`/`Value.Default`
 * do the same by interpreting the schema on every call, which was a quarter of the server's CPU time on the
 * device-list hot path. Returns null for other shapes (they use the generic path).
 */
function flatCoercer(schema: Schema): ((value: unknown) => unknown) | null {
  if (schema.type !== 'object' || !schema.properties) return null;
  const fields: Array<{ name: string; kind: 'integer' | 'number' | 'boolean' | 'string'; def: unknown }> = [];
  for (const [name, s] of Object.entries(schema.properties as Record<string, Schema>)) {
    const kind = Array.isArray(s.enum) && s.enum.every((v: unknown) => typeof v === 'string') ? 'string' : s.type;
    if (kind !== 'integer' && kind !== 'number' && kind !== 'boolean' && kind !== 'string') return null;
    fields.push({ name, kind, def: s.default });
  }
  const known = new Set(fields.map((f) => f.name));
  return (value: unknown) => {
    if (value === null || typeof value !== 'object') return value;
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = src[f.name];
      if (v === undefined) {
        if (f.def !== undefined) out[f.name] = f.def;
        continue;
      }
      out[f.name] = typeof v === 'string' ? fromText(v, f.kind) : v;
    }
    // Unknown keys are kept so the checker reports them (`additionalProperties: false`).
    for (const k in src) if (!known.has(k)) out[k] = src[k];
    return out;
  };
}

const NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

function fromText(v: string, kind: 'integer' | 'number' | 'boolean' | 'string'): unknown {
  switch (kind) {
    case 'integer':
    case 'number':
      return NUMERIC.test(v) ? Number(v) : v;
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : v;
    default:
      return v;
  }
}

const PART_NAME: Record<HttpPart, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * Turns TypeBox validation errors into the LNMT error details: one entry per offending field, named the way a
 * client wrote it (`body.ip`, `query.limit`, `body.targets[2]`), with the value given and what is allowed.
 */
export function validationDetails(errors: readonly FastifySchemaValidationError[], part: string, req: FastifyRequest): ErrorDetail[] {
  const httpPart = (part in PART_NAME ? part : 'body') as HttpPart;
  const root = (req.routeOptions.schema as Record<string, unknown> | undefined)?.[httpPart] as Schema | undefined;
  const data = (req as unknown as Record<string, unknown>)[httpPart === 'querystring' ? 'query' : httpPart];
  const byWhere = new Map<string, { detail: ErrorDetail; depth: number }>();
  const add = (segments: string[], detail: Omit<ErrorDetail, 'where'>, schemaPath: string) => {
    const where = fieldName(PART_NAME[httpPart], segments);
    const depth = schemaPath.split('/').length;
    const prev = byWhere.get(where);
    // Several errors for one field (each branch of a union, then the union itself): keep the outermost.
    if (!prev || depth < prev.depth) byWhere.set(where, { detail: { where, ...detail }, depth });
  };

  for (const e of errors) {
    const segs = pointer(e.instancePath);
    const schema = resolve(root, e.schemaPath);
    const params = e.params as Record<string, any>;
    switch (e.keyword) {
      case 'boolean':
        // `additionalProperties: false` reports each extra key this way too; the entry below names them.
        if (e.schemaPath.endsWith('/additionalProperties')) continue;
        add(segs, { value: get(data, segs), message: e.message ?? 'invalid' }, e.schemaPath);
        break;
      case 'additionalProperties': {
        const known = Object.keys((schema?.properties as Schema | undefined) ?? {});
        for (const extra of (params.additionalProperties as string[] | undefined) ?? []) {
          add([...segs, extra], { value: get(data, [...segs, extra]), message: httpPart === 'querystring' ? 'unknown parameter' : 'unknown field', allowed: known.length ? `one of: ${known.join(', ')}` : 'no fields' }, e.schemaPath);
        }
        break;
      }
      case 'required':
        for (const name of (params.requiredProperties as string[] | undefined) ?? []) {
          add([...segs, name], { message: 'required', allowed: describe((schema?.properties as Schema | undefined)?.[name]) }, e.schemaPath);
        }
        break;
      case 'minProperties':
        add(segs, { value: get(data, segs), message: `must have at least ${params.limit ?? 1} field(s)`, allowed: `some of: ${Object.keys(schema?.properties ?? {}).join(', ')}` }, e.schemaPath);
        break;
      default:
        add(segs, { value: get(data, segs), message: e.message ?? 'invalid', allowed: describe(schema) }, e.schemaPath);
    }
  }
  return [...byWhere.values()].map((v) => v.detail);
}

/** `body` + ['targets', '2'] → `body.targets[2]`. */
function fieldName(part: string, segs: string[]): string {
  let out = part;
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : `.${s}`;
  return out;
}

function pointer(p: string): string[] {
  return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Follows a `#/properties/x/anyOf/0` schema path inside the route's schema. */
function resolve(root: Schema | undefined, schemaPath: string): Schema | undefined {
  let s: any = root;
  for (const seg of pointer(schemaPath.replace(/^#/, ''))) {
    if (s === undefined || s === null) return undefined;
    s = s[seg];
  }
  return s as Schema | undefined;
}

function get(data: unknown, segs: string[]): unknown {
  let o: any = data;
  for (const s of segs) {
    if (o === null || typeof o !== 'object') return undefined;
    o = o[s];
  }
  return o;
}

/** What a schema allows, in words: `one of "online", "offline"`, `an integer from 1 to 1000`, `a string or null`. */
export function describe(s: Schema | undefined): string {
  if (!s) return 'a valid value';
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  if (Array.isArray(s.type)) {
    const nonNull = s.type.filter((t: string) => t !== 'null');
    const base = nonNull.length === 1 ? describe({ ...s, type: nonNull[0] }) : nonNull.join(' or ');
    return s.type.includes('null') ? `${base}, or null` : base;
  }
  if (s.type === 'string' && s.format) return `a string in ${s.format} format`;
  if (s.type === 'object' && s.additionalProperties === false) return `an object with fields: ${Object.keys(s.properties ?? {}).join(', ')}`;
  if (s.type === 'array') {
    const min = s.minItems ?? 0;
    const count = s.maxItems !== undefined ? (min > 0 ? `${min} to ${s.maxItems}` : `at most ${s.maxItems}`) : min > 0 ? `at least ${min}` : 'any number of';
    return `a list of ${count} items, each ${describe(s.items)}`;
  }
  return describeAllowed(s);
}
