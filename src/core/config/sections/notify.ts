import Type, { type Static } from 'typebox';

/** Alert severities, lowest first (`notify.channels[].filter.minSeverity`, syslog severity mapping). */
export const SEVERITIES = ['info', 'notice', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A channel or rule name: what the CLI and the API address it by. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

/** What a channel receives; every list empty or absent = no restriction on that axis. */
export const ChannelFilterSchema = Type.Object(
  {
    /** Event types, exact or with a wildcard: `check.*`, `device.discovered`, `*`. */
    events: Type.Optional(Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9_]+(\\.[a-z0-9_]+)*(\\.\\*)?)$' }), { maxItems: 64 })),
    minSeverity: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('notice'), Type.Literal('warning'), Type.Literal('critical')])),
    /** Device ids, IPs or MACs; alerts about no device never match a non-empty list. */
    devices: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 })),
    /** Check tags; an alert matches when it carries at least one of them. */
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
  },
  { additionalProperties: false },
);
export type ChannelFilter = Static<typeof ChannelFilterSchema>;

/**
 * A channel declared in the config file. Read-only at run time (the API and CLI refuse to edit it). Secret
 * settings (webhook signing key, Slack/Discord URL, SMTP password, header values) must be written as
 * `env:VARIABLE`, so the file — and `lnmt config show` — never holds the secret itself.
 */
export const ConfigChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    type: Type.String({ minLength: 1, maxLength: 32 }),
    enabled: Type.Optional(Type.Boolean()),
    settings: Type.Record(Type.String(), Type.Unknown()),
    filter: Type.Optional(ChannelFilterSchema),
  },
  { additionalProperties: false },
);
export type ConfigChannel = Static<typeof ConfigChannelSchema>;

/** Per-rule overrides, keyed by rule id (`notify.rules.check-state.throttleMinutes`). */
export const RuleOverrideSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    /** One alert per key per this many minutes; 0 = no throttling. */
    throttleMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10080 })),
  },
  { additionalProperties: false },
);

/** `notify.*`: notification channels, alert rules, throttling, retries and the delivery log. */
export const NotifyConfigSchema = Type.Object(
  {
    /** Deliver alerts in this process (`serve`). Channels can be edited and tested either way. */
    enabled: Type.Boolean(),
    /** Default throttle window of a rule that sets none: one alert per key per this many minutes (0 = off). */
    throttleMinutes: Type.Integer({ minimum: 0, maximum: 10080 }),
    /** Delivery attempts after the first one fails (network error, timeout, HTTP 429/5xx). */
    retries: Type.Integer({ minimum: 0, maximum: 20 }),
    /** Wait before the first retry; doubled for each further one, up to `retryMaxMs`. */
    retryBaseMs: Type.Integer({ minimum: 1, maximum: 600000 }),
    retryMaxMs: Type.Integer({ minimum: 1, maximum: 3600000 }),
    /** One delivery attempt (HTTP request, SMTP session, syslog TCP connection) gives up after this long. */
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120000 }),
    /** Alerts waiting per channel; beyond it new alerts for that channel are dropped (counted, logged). */
    queueSize: Type.Integer({ minimum: 1, maximum: 100000 }),
    /** Days the delivery log is kept. */
    logRetentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /** Devices (id, IP or MAC) whose online/offline changes from scans raise alerts (rule `device-state`). */
    trackedDevices: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 10000 }),
    rules: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }), RuleOverrideSchema, { additionalProperties: false }),
    channels: Type.Array(ConfigChannelSchema, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export type NotifyConfig = Static<typeof NotifyConfigSchema>;

export function notifyDefaults(): NotifyConfig {
  return {
    enabled: true,
    throttleMinutes: 15,
    retries: 4,
    retryBaseMs: 2000,
    retryMaxMs: 300000,
    timeoutMs: 10000,
    queueSize: 1000,
    logRetentionDays: 30,
    trackedDevices: [],
    rules: {},
    channels: [],
  };
}
