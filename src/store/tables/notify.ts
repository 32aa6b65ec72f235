import type { Generated, Selectable } from 'kysely';
import type { Severity } from '../../core/config/sections/notify.js';

type Millis = number;

/** Channels created through the API or CLI (channels declared in the config file are not stored). */
export interface NotifyChannelsTable {
  /** UUIDv7. */
  id: string;
  /** Unique; how the CLI addresses a channel. */
  name: string;
  /** A key of the notifier registry (`webhook`, `slack`, `discord`, `email`, `syslog`, `log`). */
  type: string;
  enabled: number;
  /** JSON of the type's settings as validated (secrets included: this table is as sensitive as the config). */
  settings: string;
  /** JSON of the channel filter (`{events, minSeverity, devices, tags}`). */
  filter: string;
  created_at: Millis;
  updated_at: Millis;
}

/** One row per alert per channel: sent, failed after its retries, or suppressed by throttling. */
export interface NotifyDeliveriesTable {
  id: Generated<number>;
  time: Millis;
  /** No foreign key: config channels are not stored, and the log outlives a removed channel. */
  channel_id: string;
  channel_name: string;
  channel_type: string;
  rule: string;
  alert_key: string;
  severity: Severity;
  title: string;
  event_id: string | null;
  status: 'sent' | 'failed' | 'suppressed';
  attempts: number;
  error: string | null;
  /** What the receiver answered (`HTTP 204`, `250 Ok`). */
  detail: string | null;
  /** From queueing to the final outcome, retries included. */
  latency_ms: number | null;
}

/** Tables of the notifiers (channels, delivery log), created by migration 0004. */
export interface NotifyTables {
  notify_channels: NotifyChannelsTable;
  notify_deliveries: NotifyDeliveriesTable;
}

export type NotifyChannelRow = Selectable<NotifyChannelsTable>;
export type NotifyDeliveryRow = Selectable<NotifyDeliveriesTable>;
