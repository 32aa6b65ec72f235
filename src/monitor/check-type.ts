import type { TSchema } from 'typebox';
import type { DeviceStatus } from '../core/events.js';

/** What one run of a check found. */
export interface CheckOutcome {
  ok: boolean;
  /** Round-trip / response time in ms; null when nothing answered. */
  latencyMs: number | null;
  /** One line a person reads: `HTTP 200 in 12 ms`, `connection refused`, `expected "ok" not found`. */
  message: string;
  /** Type-specific facts, stored in the `check.result` event (HTTP status, DNS answers, ...). */
  details?: Record<string, unknown>;
  /** HTTPS only: the leaf certificate, so the monitor can warn before it expires. */
  cert?: { daysLeft: number; notAfter: string; subject: string; issuer: string };
}

/** A device as a check sees it (device-attached checks default their target to its IP). */
export interface CheckDevice {
  id: number;
  ip: string;
  status: DeviceStatus;
  lastSeen: number | null;
  lastChecked: number | null;
  rttMs: number | null;
}

/** Shared resources a check may use, created once per monitor (never per check). */
export interface CheckDeps {
  /**
   * Echo over the process's shared raw ICMP socket: resolves to the RTT in ms, or null on timeout. Null when
   * raw sockets are not allowed here (the ICMP type then reports why instead of pretending).
   */
  ping: ((ip: string, timeoutMs: number, signal: AbortSignal) => Promise<number | null>) | null;
  /** Why `ping` is null. */
  pingUnavailable?: string;
  /** The tracker's current view of a device (for `presence`). */
  device(id: number): Promise<CheckDevice | null>;
  now(): number;
}

export interface CheckRunInput<P> {
  target: string;
  params: P;
  timeoutMs: number;
  /** Aborted at the timeout or when the monitor stops: close sockets, resolve quickly. */
  signal: AbortSignal;
  deviceId: number | null;
}

/**
 * One module per check type, listed in `types/index.ts`. A type validates its own target and parameters (errors
 * name the field: `target`, `params.expectStatus`) and never throws from `run`: every failure is an outcome.
 */
export interface CheckType<P = any> {
  readonly type: string;
  readonly description: string;
  /** TypeBox schema of `params`; defaults in the schema are applied before `run`. */
  readonly params: TSchema;
  /** Example target, for help texts. */
  readonly targetExample: string;
  /**
   * Returns the canonical target, or throws an LnmtError (LNMT_ERR_VALIDATION, detail `where: 'target'`).
   * `device` is set for checks attached to a device; a missing target then defaults from it (e.g. its IP).
   */
  normalizeTarget(target: string | undefined, device: { id: number; ip: string } | null): string;
  /**
   * Optional, called after the schema check with defaults applied: what a schema cannot say (a status range
   * whose start is above its end, a JSON path's syntax, an expected A record that is not an IPv4 address).
   * Throws an LnmtError (LNMT_ERR_VALIDATION, detail `where: 'params.<name>'`).
   */
  validateParams?(params: P): void;
  run(input: CheckRunInput<P>, deps: CheckDeps): Promise<CheckOutcome>;
}
