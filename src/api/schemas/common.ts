import Type, { type Static, type TSchema, type TUnsafe } from 'typebox';

/**
 * `T | null` as a JSON Schema 2020-12 type list (`type: ["string", "null"]`) rather than `anyOf`: OpenAPI 3.1
 * accepts it, TypeBox validates it, and fast-json-stringify serialises it without trying each branch.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const s = schema as unknown as { type?: string };
  if (typeof s.type !== 'string') throw new Error('Nullable() needs a schema with a single `type`');
  return Type.Unsafe<Static<T> | null>({ ...(schema as object), type: [s.type, 'null'] });
}

/** ISO 8601 UTC timestamp (all API timestamps; the store keeps epoch milliseconds). */
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 UTC timestamp' });

export const ErrorDetailSchema = Type.Object(
  {
    where: Type.String({ description: 'The offending input: `body.ip`, `query.limit`, `params.id`, `headers.authorization`, `body.targets[2]`' }),
    value: Type.Optional(Type.Unknown({ description: 'What was given' })),
    allowed: Type.Optional(Type.String({ description: 'What is allowed' })),
    message: Type.String(),
  },
);

/** The one error body of the API: the LNMT error catalogue's JSON (`LnmtError.toJSON()`). */
export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'LNMT_ERR_* code from the error catalogue', examples: ['LNMT_ERR_VALIDATION'] }),
    error: Type.String({ description: 'Short title of the code' }),
    message: Type.String({ description: 'What went wrong and what to fix' }),
    details: Type.Array(ErrorDetailSchema),
  },
  { description: 'An LNMT error' },
);
export type ErrorBody = Static<typeof ErrorSchema>;

/** Error responses every authenticated route can give. */
export const authErrors = { 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema } as const;
/** ... plus 400 for routes with inputs. */
export const inputErrors = { 400: ErrorSchema, ...authErrors } as const;
