import Type from 'typebox';
import { Nullable, Timestamp } from './common.js';

export const HoneypotSessionSchema = Type.Object({
  id: Type.String(),
  sensor: Type.String(),
  service: Type.String(),
  src_ip: Type.String(),
  src_port: Type.Integer(),
  dst_ip: Type.String(),
  dst_port: Type.Integer(),
  started_at: Timestamp,
  ended_at: Nullable(Timestamp),
  duration_ms: Nullable(Type.Number()),
  username: Nullable(Type.String()),
  password: Nullable(Type.String()),
  logged_in: Type.Boolean(),
  auth_attempts: Type.Integer(),
  commands: Type.Integer(),
  uploads: Type.Integer(),
  bytes_in: Nullable(Type.Number()),
  bytes_out: Nullable(Type.Number()),
  close_reason: Nullable(Type.String()),
});

export const SessionListQuery = Type.Object(
  {
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    src_ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    logged_in: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

export const SessionListSchema = Type.Object({ items: Type.Array(HoneypotSessionSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const SessionIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'a session id (UUID)' }) },
  { additionalProperties: false },
);

export const SessionDetailSchema = Type.Object({
  session: HoneypotSessionSchema,
  events: Type.Array(Type.Unknown(), { description: 'The session\'s events in order' }),
  transcript: Nullable(Type.String({ description: 'The asciicast v2 transcript (interactive sessions), or null' })),
});
