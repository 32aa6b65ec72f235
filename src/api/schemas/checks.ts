import Type from 'typebox';
import { CheckInputSchema, CheckPatchSchema } from '../../monitor/check-spec.js';
import { Nullable, Timestamp } from './common.js';

export const CheckCreateBody = CheckInputSchema;
export const CheckPatchBody = CheckPatchSchema;

export const CheckSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String({ description: 'icmp, tcp, http, dns or presence' }),
  target: Type.String(),
  device_id: Nullable(Type.Integer()),
  params: Type.Record(Type.String(), Type.Unknown()),
  interval_sec: Type.Number(),
  timeout_ms: Type.Integer(),
  retries: Type.Integer({ description: 'Failures after the first before the check is down' }),
  flap_threshold: Type.Integer(),
  flap_window_sec: Type.Number(),
  enabled: Type.Boolean(),
  tags: Type.Array(Type.String()),
  state: Type.Enum(['up', 'down', 'unknown']),
  state_since: Nullable(Timestamp),
  flapping: Type.Boolean(),
  last_run_at: Nullable(Timestamp),
  last_ok: Nullable(Type.Boolean()),
  last_latency_ms: Nullable(Type.Number()),
  last_message: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  uptime_24h: Type.Optional(Nullable(Type.Number({ description: 'Percent of successful results in the last 24 h' }))),
});

export const CheckResultSchema = Type.Object({ time: Timestamp, ok: Type.Boolean(), latency_ms: Nullable(Type.Number()), message: Nullable(Type.String()) });

export const CheckListQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ minLength: 1 })),
    state: Type.Optional(Type.Enum(['up', 'down', 'unknown'])),
    device: Type.Optional(Type.Integer({ minimum: 1 })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    enabled: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

export const CheckListSchema = Type.Object({ items: Type.Array(CheckSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const CheckIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }, { additionalProperties: false });

const Latency = Type.Object({ min: Nullable(Type.Number()), avg: Nullable(Type.Number()), max: Nullable(Type.Number()), p95: Nullable(Type.Number()) });
export const WindowSummarySchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  total: Type.Integer(),
  up: Type.Integer(),
  down: Type.Integer(),
  uptime: Nullable(Type.Number()),
  latency: Latency,
});

export const CheckDetailSchema = Type.Object({
  check: CheckSchema,
  summary: Type.Record(Type.String(), WindowSummarySchema, { description: 'Uptime and latency over 24h, 7d and 30d' }),
  recent: Type.Array(CheckResultSchema, { description: 'The newest raw results, newest first' }),
});

export const HistoryQuery = Type.Object(
  {
    window: Type.String({ default: '24h', description: 'How far back: 90m, 24h, 7d, 30d, 1y' }),
    step: Type.Optional(Type.String({ description: 'Bucket size of the series: 5m, 1h, 1d (default: about 100 points)' })),
  },
  { additionalProperties: false },
);

export const SeriesPointSchema = Type.Object({
  t: Timestamp,
  up: Type.Integer(),
  down: Type.Integer(),
  uptime: Nullable(Type.Number()),
  lat_min: Nullable(Type.Number()),
  lat_avg: Nullable(Type.Number()),
  lat_max: Nullable(Type.Number()),
  lat_p95: Nullable(Type.Number()),
});

export const HistorySchema = Type.Object({
  check: Type.Object({ id: Type.String(), name: Type.String() }),
  window: Type.String(),
  step: Type.String(),
  summary: WindowSummarySchema,
  points: Type.Array(SeriesPointSchema),
});

export const UptimeQuery = Type.Object(
  { windows: Type.String({ default: '24h,7d,30d,1y', description: 'Comma-separated windows' }) },
  { additionalProperties: false },
);

const HealthRowSchema = Type.Object({
  device_id: Type.Integer(),
  checks: Type.Integer(),
  total: Type.Integer(),
  up: Type.Integer(),
  down: Type.Integer(),
  uptime: Nullable(Type.Number()),
});

export const DeviceUptimeSchema = Type.Object({
  device: Type.Object({ id: Type.Integer(), ip: Type.String(), hostname: Nullable(Type.String()), name: Nullable(Type.String()) }),
  checks: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), state: Type.String() })),
  windows: Type.Record(Type.String(), HealthRowSchema),
});

export const HealthReportQuery = Type.Object(
  { window: Type.String({ default: '24h' }), sort: Type.Enum(['uptime', 'ip', 'down'], { default: 'uptime' }) },
  { additionalProperties: false },
);

export const HealthReportSchema = Type.Object({
  window: Type.String(),
  from: Timestamp,
  to: Timestamp,
  items: Type.Array(
    Type.Object({
      device_id: Type.Integer(),
      ip: Type.String(),
      hostname: Nullable(Type.String()),
      name: Nullable(Type.String()),
      checks: Type.Integer(),
      total: Type.Integer(),
      up: Type.Integer(),
      down: Type.Integer(),
      uptime: Nullable(Type.Number()),
    }),
  ),
});
