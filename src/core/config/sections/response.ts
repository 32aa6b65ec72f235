import Type, { type Static } from 'typebox';

/** `30s`, `5m`, `4h`, `1h30m`, `7d` (the scheduler's duration syntax). */
const DURATION = '^(\\d+(ms|s|m|h|d))+$';
const Duration = (description: string) => Type.String({ pattern: DURATION, description: `${description}: a duration such as 30m, 4h or 7d` });

/** One entry of `response.policy`: which detections become which decision. First match wins. */
export const PolicyEntrySchema = Type.Object(
  {
    /** Rule name(s) of `threat.detected` this entry applies to; `*` at the end matches a prefix. Empty/absent = any. */
    rules: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9._:-]+\\*?$|^\\*$' }), { maxItems: 256 })),
    /** Only detections at least this severe. */
    minSeverity: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')])),
    action: Type.Union([Type.Literal('ban'), Type.Literal('tag'), Type.Literal('none')]),
    /** Base duration before escalation; `response.defaultDuration` when absent. */
    duration: Type.Optional(Duration('base duration')),
  },
  { additionalProperties: false },
);
export type PolicyEntry = Static<typeof PolicyEntrySchema>;

/**
 * `response.*`: decisions (bans and tags) from detections or by hand, the allowlist, escalation, the blocklist
 * change log and optional nftables enforcement. Every key is optional: the section works without a line of
 * config (defaults in `RESPONSE_DEFAULTS`, response-settings.ts; `lnmt config show` prints them filled in).
 */
export const ResponseConfigSchema = Type.Object(
  {
    /** Turn `threat.detected` into decisions and sweep expired ones in this process (`serve`). */
    enabled: Type.Optional(Type.Boolean()),
    /** Duration of a decision that names none (CLI/API without --duration, policy entries without one). */
    defaultDuration: Type.Optional(Duration('default decision duration')),
    policy: Type.Optional(Type.Array(PolicyEntrySchema, { maxItems: 256 })),
    /** Repeat offenders: duration × multiplier^(earlier bans of the target within lookback), capped at maxDuration. */
    escalation: Type.Optional(
      Type.Object(
        {
          multiplier: Type.Optional(Type.Number({ minimum: 1, maximum: 100 })),
          lookback: Type.Optional(Duration('how far back earlier bans count')),
          maxDuration: Type.Optional(Duration('the longest an escalated ban lasts')),
        },
        { additionalProperties: false },
      ),
    ),
    /** Addresses and CIDRs that are never banned (bans are refused; rule detections become tags). */
    allowlist: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { maxItems: 10_000 })),
    /** Also allowlist this host's own networks (interface addresses with their prefixes) and loopback. */
    allowlistOwnNetworks: Type.Optional(Type.Boolean()),
    /** Also allowlist the targets of scheduled scan jobs (the networks we inventory are ours). */
    allowlistScanTargets: Type.Optional(Type.Boolean()),
    /** How often expired decisions are removed (and `decision.removed` emitted). */
    sweepIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
    /** Days the blocklist change log (`?since=` cursors) is kept; older cursors get a full reset. */
    changeLogDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    /** Apply bans to an nftables set on this host (needs root / CAP_NET_ADMIN). Off by default. */
    enforce: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          table: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,31}$' })),
          /** IPv4 set name; the IPv6 set is this name with `6` appended. */
          set: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,30}$' })),
          /** Only drop traffic arriving on this interface. */
          iface: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._@-]{1,15}$' })),
          /** How often the store's change log is read for decisions made by other processes. */
          pollIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ResponseConfig = Static<typeof ResponseConfigSchema>;
