import Type from 'typebox';

/** When a honeypot lets an attacker in (see src/honeynet/runtime/auth-policy.ts). */
export const AuthPolicySchema = Type.Union([
  Type.Object({ mode: Type.Literal('never') }, { additionalProperties: false }),
  Type.Object(
    { mode: Type.Literal('credentials'), credentials: Type.Array(Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }), password: Type.String({ maxLength: 256 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }) },
    { additionalProperties: false },
  ),
  Type.Object({ mode: Type.Literal('after'), attempts: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('probability'), p: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false }),
]);
