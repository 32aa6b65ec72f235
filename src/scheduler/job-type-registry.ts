import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Value } from 'typebox/value';
import { schemaErrorDetails } from '../core/schema-errors.js';
import { LnmtError, type ErrorDetail } from '../core/errors.js';
import type { JobType } from './job-type.js';

/** Where a parameter path (`targets[2]`, or '' for the whole object) is named in errors: `body.params.targets[2]`. */
export type ParamWhere = (path: string) => string;

interface Entry {
  type: JobType;
  check: Validator<{}, TSchema>;
}

/** The extension point for job types: one registry per process, filled when the context is built. */
export class JobTypeRegistry {
  private readonly entries = new Map<string, Entry>();

  register(type: JobType): this {
    if (!/^[a-z][a-z0-9-]*$/.test(type.name)) throw new Error(`job type name "${type.name}" must be kebab-case`);
    if (this.entries.has(type.name)) throw new Error(`job type "${type.name}" is already registered`);
    this.entries.set(type.name, { type, check: Compile(type.params) as Validator<{}, TSchema> });
    return this;
  }

  get(name: string): JobType | undefined {
    return this.entries.get(name)?.type;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  list(): JobType[] {
    return [...this.entries.values()].map((e) => e.type).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Applies the type's defaults to `raw`, checks it against the schema and the type's own rules, and returns
   * the parameters to store. Every problem is reported at once, each named through `where`.
   */
  async parseParams(typeName: string, raw: unknown, where: ParamWhere): Promise<Record<string, unknown>> {
    const entry = this.entries.get(typeName);
    if (!entry) throw new Error(`job type "${typeName}" is not registered`);
    const value = Value.Default(entry.type.params, Value.Clone(raw ?? {}));
    if (!entry.check.Check(value)) {
      throw new LnmtError('LNMT_ERR_VALIDATION', `invalid parameters for a ${typeName} job`, { details: paramDetails(entry, value, where) });
    }
    await entry.type.validate?.(value, where);
    return value as Record<string, unknown>;
  }
}

function paramDetails(entry: Entry, value: unknown, where: ParamWhere): ErrorDetail[] {
  return schemaErrorDetails(entry.type.params, value, where, 'unknown parameter');
}
