import Type, { type Static } from 'typebox';
import { ConfigSchema } from '../../core/config/schema.js';
import { Nullable, Timestamp } from './common.js';

const scanner = ConfigSchema.properties.scanner.properties;

/**
 * Per-scan overrides a client may send: the scanner settings of the config schema (same bounds), except the
 * ones that are the operator's to set (`maxAddresses` — a client asks for more with `force` instead — and the
 * DNS servers).
 */
export const ScanOptionsSchema = Type.Object(
  {
    tcpPorts: Type.Optional(scanner.tcpPorts),
    icmp: Type.Optional(Type.Enum(['auto', 'on', 'off'])),
    neighbours: Type.Optional(scanner.neighbours),
    reverseDns: Type.Optional(scanner.reverseDns),
    dnsTimeoutMs: Type.Optional(scanner.dnsTimeoutMs),
    timeoutMs: Type.Optional(scanner.timeoutMs),
    minTimeoutMs: Type.Optional(scanner.minTimeoutMs),
    retries: Type.Optional(scanner.retries),
    concurrency: Type.Optional(scanner.concurrency),
    maxSockets: Type.Optional(scanner.maxSockets),
    packetsPerSecond: Type.Optional(scanner.packetsPerSecond),
    cacheTtlSec: Type.Optional(scanner.cacheTtlSec),
  },
  { additionalProperties: false },
);

export const ScanCreateBody = Type.Object(
  {
    targets: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
      minItems: 1,
      maxItems: 256,
      description: 'IPv4 CIDRs, ranges (10.0.0.1-10.0.0.50), IPs, IPv6 addresses or hostnames',
    }),
    force: Type.Optional(Type.Boolean({ description: 'Allow more addresses than scanner.maxAddresses' })),
    noCache: Type.Optional(Type.Boolean({ description: 'Probe every address even if the status cache has a fresh answer' })),
    options: Type.Optional(ScanOptionsSchema),
  },
  { additionalProperties: false },
);
export type ScanCreateBodyT = Static<typeof ScanCreateBody>;

export const ScanAcceptedSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum(['queued', 'running', 'finished', 'failed', 'cancelled']),
    url: Type.String({ description: 'Where to follow the scan' }),
  },
  { additionalProperties: false },
);

const SummarySchema = Type.Object({
  addresses: Type.Integer(),
  probed: Type.Integer(),
  cached: Type.Integer(),
  online: Type.Integer(),
  discovered: Type.Integer(),
  went_offline: Type.Integer(),
  came_online: Type.Integer(),
  changed: Type.Integer(),
  duration_ms: Type.Number(),
  methods: Type.Record(Type.String(), Type.Integer(), { description: 'Hosts found per method family' }),
  notices: Type.Array(Type.String()),
});

export const ScanSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum(['queued', 'running', 'finished', 'failed', 'cancelled']),
    targets: Type.Array(Type.String()),
    requested_by: Nullable(Type.String({ description: 'Name of the API token that started it' })),
    created_at: Timestamp,
    started_at: Nullable(Timestamp),
    finished_at: Nullable(Timestamp),
    progress: Nullable(Type.Object({ done: Type.Integer(), total: Type.Integer(), up: Type.Integer() }, { description: 'Live progress while running' })),
    summary: Nullable(SummarySchema),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const ScanListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })) },
  { additionalProperties: false },
);

export const ScanListSchema = Type.Object({ items: Type.Array(ScanSchema) }, { additionalProperties: false });

export const ScanIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'Scan id (UUIDv7)' }) },
  { additionalProperties: false },
);
