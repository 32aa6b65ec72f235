import Type, { type Static } from 'typebox';

/** `notify.*`: notification channels, alert rules, throttling. */
export const NotifyConfigSchema = Type.Object(
  {
    enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);

export type NotifyConfig = Static<typeof NotifyConfigSchema>;

export function notifyDefaults(): NotifyConfig {
  return { enabled: true };
}
