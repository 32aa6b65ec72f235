import Type, { type Static } from 'typebox';

/** One `honeynet.banners[]` entry: a TCP port that greets with a fixed banner and records what the client sends. */
export const BannerSettingsSchema = Type.Object(
  {
    /** The service name events carry (`pop3`, `imap`, `memcached`, ...). */
    name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    bind: Type.String({ minLength: 1, maxLength: 64 }),
    /** Sent on connect; `\r`, `\n`, `\t` and `\xNN` escapes are understood. Empty: wait for the client. */
    banner: Type.String({ maxLength: 4096 }),
    /** Sent after each line the client sends (same escapes); empty: say nothing more. */
    reply: Type.String({ maxLength: 4096 }),
    /** Bytes of the client's first payload kept as `honeypot.payload`. */
    maxPayloadBytes: Type.Integer({ minimum: 0, maximum: 65_536 }),
  },
  { additionalProperties: false },
);
export type BannerSettings = Static<typeof BannerSettingsSchema>;

/**
 * Dovecot's POP3 as the persona's distribution ships it (`{distro}`: Debian or Ubuntu), on an unprivileged port;
 * the rest of the greeting is the product's own constant text. (Not its IMAP: nmap has no signature for the
 * Debian greeting, and an unrecognised service is what a fingerprinter looks for; port 143 is a decoy instead.)
 */
export const BANNER_DEFAULTS: BannerSettings[] = [
  { name: 'pop3', port: 10110, bind: '0.0.0.0', banner: '+OK Dovecot ({distro}) ready.\\r\\n', reply: '-ERR Unknown command.\\r\\n', maxPayloadBytes: 4096 },
];
