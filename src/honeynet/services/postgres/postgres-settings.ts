import Type, { type Static } from 'typebox';

/** `honeynet.services.postgres` beyond enabled/port/bind. */
export const PostgresSettingsSchema = Type.Object(
  {
    /**
     * What pg_hba.conf asks for: `md5` (a salted hash, crackable offline, hashcat 11100) or `password` (the client
     * sends the password in clear). SCRAM-SHA-256 is not offered.
     */
    authMethod: Type.Union([Type.Literal('md5'), Type.Literal('password')]),
  },
  { additionalProperties: false },
);
export type PostgresSettings = Static<typeof PostgresSettingsSchema>;
export const POSTGRES_DEFAULTS: PostgresSettings = { authMethod: 'md5' };
