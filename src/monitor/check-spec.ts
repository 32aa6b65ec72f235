import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import type { MonitorConfig } from '../core/config/sections/monitor.js';
import { LnmtError } from '../core/errors.js';
import { schemaErrorDetails } from '../core/schema-errors.js';
import type { CheckType } from './check-type.js';

const NAME = '^[^\\x00-\\x1f]{1,120}$';

/** The fields a check is created with and edited by (all optional: each has a default or keeps its value). */
const EDITABLE = {
  name: Type.Optional(Type.String({ pattern: NAME })),
  target: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  intervalSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 120000 })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  flapThreshold: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000 })),
  flapWindowSec: Type.Optional(Type.Integer({ minimum: 10, maximum: 86400 })),
  enabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:/-]+$' }), { maxItems: 32 })),
};

/** A check as users write it (API body, CLI flags); everything but `type` has a default. */
export const CheckInputSchema = Type.Object(
  { type: Type.String({ minLength: 1 }), deviceId: Type.Optional(Type.Integer({ minimum: 1 })), ...EDITABLE },
  { additionalProperties: false },
);
export type CheckInput = Static<typeof CheckInputSchema>;

/** A PATCH: any field but `type` (a check does not change type; make a new one); `deviceId: null` detaches. */
export const CheckPatchSchema = Type.Object(
  { deviceId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])), ...EDITABLE },
  { additionalProperties: false },
);
export type CheckPatch = Static<typeof CheckPatchSchema>;

/** The validated, defaulted definition that is stored. */
export interface CheckDefinition {
  name: string;
  type: string;
  target: string;
  deviceId: number | null;
  params: Record<string, unknown>;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  flapThreshold: number;
  flapWindowMs: number;
  enabled: boolean;
  tags: string[];
}

export interface SpecDeps {
  checkType(name: string): CheckType;
  device(id: number): Promise<{ id: number; ip: string } | null>;
  defaults: MonitorConfig['defaults'];
}

/**
 * Validates a check from any entry point and fills its defaults. Errors name the field as the caller knows it:
 * `prefix` is `body.` for the API, `--` for CLI flags (`--interval` is mapped by the CLI itself).
 */
export async function resolveCheck(input: CheckInput, deps: SpecDeps, prefix = ''): Promise<CheckDefinition> {
  shapeErrors(CheckInputSchema, input, prefix);
  const type = withWhere(() => deps.checkType(input.type), `${prefix}type`);
  let device: { id: number; ip: string } | null = null;
  if (input.deviceId !== undefined) {
    device = await deps.device(input.deviceId);
    if (!device) throw invalid(`${prefix}deviceId`, input.deviceId, 'no device has this id', 'the id of a device in the inventory (lnmt devices list)');
  }
  const target = withWhere(() => type.normalizeTarget(input.target, device), prefix);
  const params = resolveParams(type, input.params ?? {}, prefix);
  const d = deps.defaults;
  const intervalMs = (input.intervalSec ?? d.intervalSec) * 1000;
  // The default timeout shrinks to fit a short interval; an explicit one that does not fit is an error.
  const timeoutMs = input.timeoutMs ?? Math.min(d.timeoutMs, intervalMs);
  if (timeoutMs > intervalMs) {
    throw invalid(`${prefix}timeoutMs`, timeoutMs, `longer than the interval (${intervalMs / 1000} s)`, `at most the interval (${intervalMs} ms)`);
  }
  return {
    name: input.name ?? `${type.type} ${target}`.slice(0, 120),
    type: type.type,
    target,
    deviceId: device?.id ?? null,
    params,
    intervalMs,
    timeoutMs,
    retries: input.retries ?? d.retries,
    flapThreshold: input.flapThreshold ?? d.flapThreshold,
    flapWindowMs: (input.flapWindowSec ?? d.flapWindowSec) * 1000,
    enabled: input.enabled ?? true,
    tags: [...new Set(input.tags ?? [])],
  };
}

/** Applies a patch onto a stored definition, validating the result as a whole. */
export async function patchCheck(current: CheckDefinition, patch: CheckPatch, deps: SpecDeps, prefix = ''): Promise<CheckDefinition> {
  shapeErrors(CheckPatchSchema, patch, prefix);
  const deviceChanged = patch.deviceId !== undefined && patch.deviceId !== current.deviceId;
  const input: CheckInput = {
    name: patch.name ?? current.name,
    type: current.type,
    // A new device re-derives the target unless one is given.
    ...(patch.target !== undefined ? { target: patch.target } : deviceChanged ? {} : { target: current.target }),
    ...((patch.deviceId === undefined ? current.deviceId : patch.deviceId) !== null ? { deviceId: (patch.deviceId ?? current.deviceId)! } : {}),
    params: patch.params !== undefined ? patch.params : current.params,
    intervalSec: patch.intervalSec ?? Math.round(current.intervalMs / 1000),
    timeoutMs: patch.timeoutMs ?? current.timeoutMs,
    retries: patch.retries ?? current.retries,
    flapThreshold: patch.flapThreshold ?? current.flapThreshold,
    flapWindowSec: patch.flapWindowSec ?? Math.round(current.flapWindowMs / 1000),
    enabled: patch.enabled ?? current.enabled,
    tags: patch.tags ?? current.tags,
  };
  return resolveCheck(input, deps, prefix);
}

function resolveParams(type: CheckType, given: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const withDefaults = Value.Default(type.params, Value.Clone(given)) as Record<string, unknown>;
  const details = schemaErrorDetails(type.params, withDefaults, (path) => `${prefix}params${path ? `.${path}` : ''}`, 'unknown parameter');
  if (details.length > 0) throw new LnmtError('LNMT_ERR_VALIDATION', `invalid parameters for a ${type.type} check`, { details });
  // What a schema cannot say (a range whose start is above its end, a JSON path's syntax): the type's own rules.
  withWhere(() => type.validateParams?.(withDefaults), prefix);
  return withDefaults;
}

function shapeErrors(schema: TSchema, value: unknown, prefix: string): void {
  const details = schemaErrorDetails(schema, value, (path) => `${prefix}${path}`);
  if (details.length > 0) throw new LnmtError('LNMT_ERR_VALIDATION', 'invalid check definition', { details });
}

/** Re-points an error's `where` at the caller's field names (types say `target`; the API says `body.target`). */
function withWhere<T>(fn: () => T, prefix: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof LnmtError && prefix) {
      for (const d of err.details) if (!d.where.startsWith(prefix)) d.where = prefix.endsWith('type') ? prefix : `${prefix}${d.where}`;
    }
    throw err;
  }
}

function invalid(where: string, value: unknown, message: string, allowed: string): LnmtError {
  return new LnmtError('LNMT_ERR_VALIDATION', `${where}: ${message}`, { details: [{ where, value, message, allowed }] });
}
