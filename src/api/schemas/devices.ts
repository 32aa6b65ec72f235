import Type, { type Static } from 'typebox';
import { DEVICE_SORTS } from '../../store/repositories/device-repo.js';
import { Nullable, Timestamp } from './common.js';
import { DEVICE_STATUSES } from '../../core/events.js';

export { DEVICE_STATUSES };
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
export const DEFAULT_HISTORY = 20;

/** A device as the API shows it: timestamps as ISO strings, `mac_private` as a boolean, no internal keys. */
export const DeviceSchema = Type.Object(
  {
    id: Type.Integer(),
    ip: Type.String(),
    mac: Nullable(Type.String()),
    vendor: Nullable(Type.String({ description: 'From the MAC OUI; null for unknown or randomised MACs' })),
    mac_private: Type.Boolean({ description: 'Locally administered (randomised) MAC: no vendor exists' }),
    hostname: Nullable(Type.String()),
    name: Nullable(Type.String({ description: 'User-given label' })),
    notes: Nullable(Type.String()),
    status: Type.Enum([...DEVICE_STATUSES]),
    rtt_ms: Nullable(Type.Number()),
    method: Nullable(Type.String({ description: 'Discovery method that answered: icmp, tcp:<port>, arp, ndp' })),
    source: Type.String({ description: 'scan or manual' }),
    first_seen: Nullable(Timestamp),
    last_seen: Nullable(Timestamp),
    last_checked: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);
export type DeviceJson = Static<typeof DeviceSchema>;

export const HistoryEntrySchema = Type.Object(
  {
    time: Timestamp,
    status: Type.Enum([...DEVICE_STATUSES]),
    rtt_ms: Nullable(Type.Number()),
    method: Nullable(Type.String()),
    scan_id: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const DeviceWithHistorySchema = Type.Object(
  { ...DeviceSchema.properties, history: Type.Array(HistoryEntrySchema, { description: 'Most recent status observations first' }) },
  { additionalProperties: false },
);

export const DeviceListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'Page size' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
    status: Type.Optional(Type.Enum([...DEVICE_STATUSES])),
    vendor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive substring of the vendor' })),
    subnet: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'CIDR, e.g. 192.168.1.0/24 or fd00::/64' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Substring of ip, mac, hostname, vendor, name or notes' })),
    sort: Type.Optional(Type.Enum([...DEVICE_SORTS], { default: 'ip' })),
    order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc' })),
  },
  { additionalProperties: false },
);
export type DeviceListQueryT = Static<typeof DeviceListQuery>;

export const DeviceListSchema = Type.Object(
  {
    items: Type.Array(DeviceSchema),
    total: Type.Integer({ description: 'Devices matching the filters' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { additionalProperties: false },
);
export type DeviceListJson = Static<typeof DeviceListSchema>;

export const DeviceIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false });

export const DeviceGetQuery = Type.Object(
  { history: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: DEFAULT_HISTORY, description: 'Status history rows to include' })) },
  { additionalProperties: false },
);

const Text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });

export const DeviceCreateBody = Type.Object(
  {
    ip: Type.String({ minLength: 1, maxLength: 64, description: 'IPv4 or IPv6 address' }),
    mac: Type.Optional(Nullable(Text(64, 'MAC address, e.g. 00:11:22:aa:bb:cc'))),
    hostname: Type.Optional(Nullable(Text(253))),
    name: Type.Optional(Nullable(Text(200))),
    notes: Type.Optional(Nullable(Text(4000))),
  },
  { additionalProperties: false },
);
export type DeviceCreateBodyT = Static<typeof DeviceCreateBody>;

export const DevicePatchBody = Type.Object(
  {
    ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mac: Type.Optional(Nullable(Text(64))),
    hostname: Type.Optional(Nullable(Text(253))),
    name: Type.Optional(Nullable(Text(200))),
    notes: Type.Optional(Nullable(Text(4000))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type DevicePatchBodyT = Static<typeof DevicePatchBody>;
