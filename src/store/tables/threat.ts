import type { Selectable } from 'kysely';

/** Epoch milliseconds. */
type Millis = number;

/**
 * One profile per source IP (`kind = 'ip'`) and one aggregate per /24, credential, payload hash and command
 * fingerprint (`net24`, `cred`, `payload`, `command`), written in batches by the pipeline. The bounded lists
 * (sensors, ports, credentials, ...) are JSON in `body`; what lists sort and filter on are columns.
 */
export interface ThreatProfilesTable {
  kind: string;
  key: string;
  first_seen: Millis;
  last_seen: Millis;
  /** The score at `score_at`; decays with the configured half-life (see src/threat/decay.ts). */
  score: number;
  score_at: Millis;
  /** log2(score) + score_at / half-life: orders by current score without recomputing (indexed). */
  rank: number;
  events: number;
  /** The inventory device when the source is one of ours. */
  device_id: number | null;
  body: string;
  /** The last pipeline batch (`threat_log.seq`) whose effects this row holds (0010). */
  seq: number;
}

/** The fresh events of each committed pipeline batch, in order: replayed into profiles after a crash (0010). */
export interface ThreatLogTable {
  seq: number;
  /** Commit time (epoch ms). */
  time: Millis;
  count: number;
  /** JSON array of the batch's events as received. */
  events: string;
}

/** One row (`id = 1`): the last batch committed, and the oldest batch not yet in every profile row. */
export interface ThreatLogStateTable {
  id: number;
  last_seq: number;
  replay_from: number;
}

/** Ids of events already applied to profiles: redelivery after a crash applies nothing twice. */
export interface ThreatAppliedTable {
  id: string;
}

/** Events of the pipeline other than detections, between commit and the bus accepting them (0008). */
export interface ThreatOutboxTable {
  id: string;
  time: Millis;
  body: string;
}

/** Every `threat.detected` event, also the outbox: `published = 0` until the bus accepted it. */
export interface ThreatDetectionsTable {
  id: string;
  time: Millis;
  rule: string;
  rule_type: string;
  severity: string;
  src_ip: string;
  score: number;
  body: string;
  published: number;
}

/** Sources and sensors sharing credentials, commands, uploads or timing. */
export interface CampaignsTable {
  id: string;
  kind: string;
  key: string;
  members: number;
  /** JSON arrays (bounded samples). */
  sources: string;
  sensors: string;
  first_seen: Millis;
  last_seen: Millis;
  score: number;
  /** Members and sensors at the last `campaign.detected`/`campaign.updated`, for growth thresholds. */
  reported_members: number;
  reported_sensors: number;
  updated_at: Millis;
}

/** Tables of the threat detection pipeline (migrations 0006-threat, 0008-threat-outbox, 0010-threat-write-behind). */
export interface ThreatTables {
  threat_profiles: ThreatProfilesTable;
  threat_applied: ThreatAppliedTable;
  threat_detections: ThreatDetectionsTable;
  campaigns: CampaignsTable;
  threat_outbox: ThreatOutboxTable;
  threat_log: ThreatLogTable;
  threat_log_state: ThreatLogStateTable;
}

export type ThreatProfileRow = Selectable<ThreatProfilesTable>;
export type ThreatDetectionRow = Selectable<ThreatDetectionsTable>;
export type CampaignRow = Selectable<CampaignsTable>;
