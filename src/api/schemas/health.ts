import Type from 'typebox';
import { Nullable, Timestamp } from './common.js';

const Component = Type.Object({ status: Type.Enum(['up', 'down', 'starting']), detail: Type.Optional(Type.String()) });

export const HealthSchema = Type.Object(
  {
    status: Type.Enum(['ok', 'degraded', 'down'], { description: 'down (503) when the store does not answer' }),
    version: Type.String(),
    node: Type.String(),
    time: Timestamp,
    started_at: Timestamp,
    uptime_s: Type.Number(),
    store: Type.Object({
      status: Type.Enum(['up', 'down']),
      dialect: Type.String(),
      ping_ms: Nullable(Type.Number()),
      error: Type.Optional(Type.String()),
    }),
    bus: Type.Object({
      kind: Type.String(),
      queue_depth: Type.Integer(),
      published: Type.Integer(),
      delivered: Type.Integer(),
      redelivered: Type.Integer(),
      dropped: Type.Integer(),
    }),
    components: Type.Record(Type.String(), Component),
    devices: Type.Integer({ description: 'Devices in the tracker index (no query)' }),
    scans_active: Type.Integer(),
    memory: Type.Object({ rss_bytes: Type.Integer(), heap_used_bytes: Type.Integer() }),
  },
  { additionalProperties: false },
);
