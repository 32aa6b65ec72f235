import Type, { type Static } from 'typebox';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

/** `honeynet.decoys`: silent listeners whose only job is to be found by scanners. */
export const DecoySettingsSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    bind: Type.String({ minLength: 1, maxLength: 64 }),
    /** The ports the decoys stand for: numbers and `"first-last"` ranges; empty: the 100 most scanned free ports. */
    ports: Type.Array(Type.Union([Port, Type.String({ pattern: '^[0-9]{1,5}-[0-9]{1,5}$' })]), { maxItems: 4096 }),
    /**
     * Where they listen: `basePort + i` for the i-th port (sorted), so no root is needed and nftables steers
     * the real ports there (`lnmt honeypot nft`); 0 binds the real ports themselves (root, or CAP_NET_BIND_SERVICE).
     */
    basePort: Type.Integer({ minimum: 0, maximum: 65535 }),
    /** Bytes of a client's first payload kept as `honeypot.payload`. */
    maxPayloadBytes: Type.Integer({ minimum: 0, maximum: 65_536 }),
    /** A decoy holds a silent connection this long, then closes it (a scanner waiting for a banner gets none). */
    holdMs: Type.Integer({ minimum: 0, maximum: 600_000 }),
  },
  { additionalProperties: false },
);
export type DecoySettings = Static<typeof DecoySettingsSchema>;

export const DECOY_DEFAULTS: DecoySettings = { enabled: true, bind: '0.0.0.0', ports: [], basePort: 30000, maxPayloadBytes: 4096, holdMs: 10_000 };
