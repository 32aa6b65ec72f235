import Type, { type Static } from 'typebox';
import { MSSQL_VERSIONS } from './mssql-release.js';

/** `honeynet.services.mssql` beyond enabled/port/bind. */
export const MssqlSettingsSchema = Type.Object(
  {
    /** The SQL Server build presented (a real CU build), or `auto`: the default for the persona's OS. */
    version: Type.Union([Type.Literal('auto'), ...MSSQL_VERSIONS.map((v) => Type.Literal(v))]),
    /**
     * mssql-conf's `network.forceencryption`: PRELOGIN answers ENCRYPT_REQ and a login must come inside TLS. Off by
     * default, as installed: clients then choose (most encrypt the LOGIN7 packet only; nmap sends it in clear).
     */
    forceEncryption: Type.Boolean(),
    /**
     * What a pre-TDS 7 (TDS 4.2, DB-Library) login gets — hydra up to 9.5 sends only that. `deny`: "Login failed" in
     * TDS 4.2 tokens, so a brute-forcer keeps going and every password is captured; `close`: the connection closes
     * without an answer, as current SQL Server releases are reported to do.
     */
    legacyLogin: Type.Union([Type.Literal('deny'), Type.Literal('close')]),
    /** Largest TDS packet accepted from a client (SQL Server's maximum network packet size is 32767). */
    maxPacketBytes: Type.Integer({ minimum: 512, maximum: 32767 }),
    /** Largest message (packets reassembled) accepted before the connection is closed; a login needs a few KB. */
    maxMessageBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type MssqlSettings = Static<typeof MssqlSettingsSchema>;
export const MSSQL_DEFAULTS: MssqlSettings = { version: 'auto', forceEncryption: false, legacyLogin: 'deny', maxPacketBytes: 32767, maxMessageBytes: 64 * 1024 };
