import Type, { type Static } from 'typebox';

/** `honeynet.services.redis` beyond enabled/port/bind. */
export const RedisSettingsSchema = Type.Object(
  {
    /**
     * Answer as a server with `requirepass` set (the default): every command but AUTH, HELLO and QUIT gets
     * `-NOAUTH Authentication required.` and every AUTH fails with WRONGPASS, so attackers have to show the passwords
     * they try. false: an open Redis (no password, protected-mode off), whose commands attackers then run —
     * CONFIG SET dir, SLAVEOF, MODULE LOAD, EVAL — all recorded, none doing anything.
     */
    requireAuth: Type.Boolean(),
    /** Keys one connection may SET into its private in-memory map, and their total bytes. */
    maxKeys: Type.Integer({ minimum: 0, maximum: 100_000 }),
    maxDataBytes: Type.Integer({ minimum: 0, maximum: 64 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type RedisSettings = Static<typeof RedisSettingsSchema>;
export const REDIS_DEFAULTS: RedisSettings = { requireAuth: true, maxKeys: 1000, maxDataBytes: 256 * 1024 };
