import type { Generated, Selectable } from 'kysely';

type Millis = number;

/** One ban or tag of an address or CIDR; removed rows stay (escalation counts them, the API lists them). */
export interface DecisionsTable {
  /** UUIDv7. */
  id: string;
  /** Normalised address or CIDR (`203.0.113.7`, `198.51.100.0/24`). */
  target: string;
  family: 4 | 6;
  /** Inclusive ip_key range of the target (32 hex digits each, IPv4 mapped). */
  lo: string;
  hi: string;
  action: 'ban' | 'tag';
  reason: string;
  origin: 'rule' | 'manual' | 'api';
  /** The detection rule that caused it (origin `rule`). */
  rule: string | null;
  /** Earlier bans of the target within the escalation lookback. */
  escalation: number;
  created_at: Millis;
  /** Null: permanent. */
  expires_at: Millis | null;
  removed_at: Millis | null;
  removed_reason: 'expired' | 'manual' | 'replaced' | null;
}

/** The blocklist change log: `seq` is the cursor of `GET /api/blocklist?since=`. */
export interface DecisionChangesTable {
  seq: Generated<number>;
  time: Millis;
  decision_id: string;
  op: 'add' | 'remove';
  target: string;
  action: 'ban' | 'tag';
  expires_at: Millis | null;
  /** For removals: expired, manual or replaced. */
  reason: string | null;
}

/** Tables of decisions and blocklists (migration 0007-decisions). */
export interface DecisionTables {
  decisions: DecisionsTable;
  decision_changes: DecisionChangesTable;
}

export type DecisionRow = Selectable<DecisionsTable>;
export type DecisionChangeRow = Selectable<DecisionChangesTable>;
