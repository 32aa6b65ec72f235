import Type, { type Static } from 'typebox';

/** `honeynet.services.postgres` beyond enabled/port/bind. */
export const PostgresSettingsSchema = Type.Object(
  {
    /**
     * What pg_hba.conf asks for: `scram-sha-256` (Debian's and Ubuntu's default since PostgreSQL 14; the exchange
     * is captured for offline cracking), `md5` (a salted hash, hashcat 11100) or `password` (sent in clear).
     */
    authMethod: Type.Union([Type.Literal('scram-sha-256'), Type.Literal('md5'), Type.Literal('password')]),
  },
  { additionalProperties: false },
);
export type PostgresSettings = Static<typeof PostgresSettingsSchema>;
export const POSTGRES_DEFAULTS: PostgresSettings = { authMethod: 'scram-sha-256' };
