/** A honeypot session as users see it (API and CLI JSON): times in ISO 8601, flags as booleans. */
import type { HoneypotSessionRow } from '../store/tables/honeynet.js';

export interface HoneypotSessionView {
  id: string;
  sensor: string;
  service: string;
  src_ip: string;
  src_port: number;
  dst_ip: string;
  dst_port: number;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  username: string | null;
  password: string | null;
  logged_in: boolean;
  auth_attempts: number;
  commands: number;
  uploads: number;
  bytes_in: number | null;
  bytes_out: number | null;
  close_reason: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const num = (v: number | null) => (v === null ? null : Number(v));

export function honeypotSessionView(r: HoneypotSessionRow): HoneypotSessionView {
  return {
    id: r.id,
    sensor: r.sensor,
    service: r.service,
    src_ip: r.src_ip,
    src_port: Number(r.src_port),
    dst_ip: r.dst_ip,
    dst_port: Number(r.dst_port),
    started_at: iso(r.started_at)!,
    ended_at: iso(r.ended_at),
    duration_ms: num(r.duration_ms),
    username: r.username,
    password: r.password,
    logged_in: Number(r.logged_in) === 1,
    auth_attempts: Number(r.auth_attempts),
    commands: Number(r.commands),
    uploads: Number(r.uploads),
    bytes_in: num(r.bytes_in),
    bytes_out: num(r.bytes_out),
    close_reason: r.close_reason,
  };
}
