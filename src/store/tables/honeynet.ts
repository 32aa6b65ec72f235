import type { Selectable } from 'kysely';

type Millis = number;

/** One row per honeypot session, kept up to date from its events (the list the API and CLI page through). */
export interface HoneypotSessionsTable {
  /** The session id (UUIDv7) that every event of the session carries. */
  id: string;
  sensor: string;
  service: string;
  src_ip: string;
  src_port: number;
  dst_ip: string;
  dst_port: number;
  started_at: Millis;
  ended_at: Millis | null;
  duration_ms: number | null;
  /** The last username tried, and whether any login succeeded. */
  username: string | null;
  password: string | null;
  logged_in: number;
  auth_attempts: number;
  commands: number;
  uploads: number;
  bytes_in: number | null;
  bytes_out: number | null;
  close_reason: string | null;
}

export interface HoneynetTables {
  honeypot_sessions: HoneypotSessionsTable;
}

export type HoneypotSessionRow = Selectable<HoneypotSessionsTable>;
