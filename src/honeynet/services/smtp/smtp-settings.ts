import Type, { type Static } from 'typebox';
import { AuthPolicySchema } from '../../../core/config/sections/auth-policy-schema.js';

export const SmtpSettingsSchema = Type.Object(
  {
    /** Whether AUTH succeeds (default never: credentials are only collected). Mail is accepted either way. */
    auth: AuthPolicySchema,
    /** Largest message kept (Postfix's message_size_limit, advertised as SIZE). */
    maxMessageBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024 }),
    /** Messages accepted per connection; later ones get `452 4.3.1 Insufficient system storage`. */
    maxMessagesPerSession: Type.Integer({ minimum: 0, maximum: 10_000 }),
    /** Recipients per message (Postfix's smtpd_recipient_limit is 1000). */
    maxRecipients: Type.Integer({ minimum: 1, maximum: 10_000 }),
    /** Errors before `421 … Error: too many errors` (smtpd_hard_error_limit). */
    maxErrors: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** Pause after a failed AUTH. */
    failDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  },
  { additionalProperties: false },
);
export type SmtpSettings = Static<typeof SmtpSettingsSchema>;

export const SMTP_DEFAULTS: SmtpSettings = { auth: { mode: 'never' }, maxMessageBytes: 10_240_000, maxMessagesPerSession: 10, maxRecipients: 100, maxErrors: 20, failDelayMs: 0 };
