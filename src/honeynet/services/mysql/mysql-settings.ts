import Type, { type Static } from 'typebox';

/** `honeynet.services.mysql` beyond enabled/port/bind. */
export const MysqlSettingsSchema = Type.Object(
  {
    /** Largest packet read from a client before the connection is closed (a login needs well under 1 KB). */
    maxPacketBytes: Type.Integer({ minimum: 256, maximum: 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type MysqlSettings = Static<typeof MysqlSettingsSchema>;
export const MYSQL_DEFAULTS: MysqlSettings = { maxPacketBytes: 16 * 1024 };
