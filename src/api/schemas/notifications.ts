import Type, { type Static } from 'typebox';
import { ChannelFilterSchema, NAME_PATTERN, SEVERITIES } from '../../core/config/sections/notify.js';
import { CHANNEL_TYPE_NAMES } from '../../notify/channels/index.js';
import { Nullable, Timestamp } from './common.js';

export const DEFAULT_LOG_LIMIT = 50;
export const MAX_LOG_LIMIT = 1000;

const Settings = Type.Object({}, { additionalProperties: true, description: 'The channel type\'s settings (see the channel types); secrets are masked as `***`' });

export const ChannelSchema = Type.Object(
  {
    id: Type.String({ description: 'UUIDv7, or `config:<name>` for a channel declared in the config file' }),
    name: Type.String(),
    type: Type.String({ description: `One of ${CHANNEL_TYPE_NAMES.join(', ')}` }),
    enabled: Type.Boolean(),
    source: Type.Enum(['store', 'config'], { description: '`config` channels are read-only here: edit the config file' }),
    settings: Settings,
    filter: ChannelFilterSchema,
    problem: Nullable(Type.String({ description: 'Why the channel cannot deliver (e.g. an environment variable not set)' })),
    created_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
  },
  { additionalProperties: false },
);
export type ChannelJson = Static<typeof ChannelSchema>;

export const ChannelListSchema = Type.Object({ items: Type.Array(ChannelSchema) }, { additionalProperties: false });

export const ChannelCreateBody = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN, description: 'Unique; 1 to 64 letters, digits, dots, dashes, underscores' }),
    type: Type.Enum([...CHANNEL_TYPE_NAMES]),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    settings: Type.Optional(
      Type.Object({}, {
        additionalProperties: true,
        description: 'webhook: url, secret, headers; slack/discord: url; email: host, port, security, user, password, from, to; syslog: host, port, transport, facility; log: none',
      }),
    ),
    filter: Type.Optional(ChannelFilterSchema),
  },
  { additionalProperties: false },
);
export type ChannelCreateBodyT = Static<typeof ChannelCreateBody>;

export const ChannelPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: NAME_PATTERN })),
    enabled: Type.Optional(Type.Boolean()),
    settings: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Merged into the current settings: null removes a field; a secret sent back masked (as read) is kept' })),
    filter: Type.Optional(ChannelFilterSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChannelRefParams = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9:._-]{1,100}$', description: 'Channel id or name' }) },
  { additionalProperties: false },
);

export const TestResultSchema = Type.Object(
  {
    channel: Type.Object({ id: Type.String(), name: Type.String(), type: Type.String() }, { additionalProperties: false }),
    status: Type.Enum(['sent', 'failed']),
    attempts: Type.Integer(),
    latency_ms: Type.Number(),
    detail: Nullable(Type.String({ description: 'What the receiver answered, e.g. `HTTP 204` or `250 Ok`' })),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const DELIVERY_STATUSES = ['sent', 'failed', 'suppressed'] as const;

export const DeliveryLogQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LOG_LIMIT, default: DEFAULT_LOG_LIMIT })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Channel id or name' })),
    status: Type.Optional(Type.Enum([...DELIVERY_STATUSES])),
    rule: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Alert rule id, or `test`' })),
  },
  { additionalProperties: false },
);

export const DeliverySchema = Type.Object(
  {
    id: Type.Integer(),
    time: Timestamp,
    channel_id: Type.String(),
    channel_name: Type.String(),
    channel_type: Type.String(),
    rule: Type.String(),
    alert_key: Type.String(),
    severity: Type.Enum([...SEVERITIES]),
    title: Type.String(),
    event_id: Nullable(Type.String()),
    status: Type.Enum([...DELIVERY_STATUSES]),
    attempts: Type.Integer(),
    error: Nullable(Type.String()),
    detail: Nullable(Type.String()),
    latency_ms: Nullable(Type.Number({ description: 'From queueing to the final outcome, retries included' })),
  },
  { additionalProperties: false },
);

export const DeliveryListSchema = Type.Object(
  { items: Type.Array(DeliverySchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() },
  { additionalProperties: false },
);

export const RuleListSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          description: Type.String(),
          events: Type.Array(Type.String()),
          enabled: Type.Boolean(),
          throttleMinutes: Type.Integer({ description: 'One alert per key per this many minutes (0 = no throttling)' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
