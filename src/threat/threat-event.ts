import { isIP } from 'node:net';
import type { AnyEvent } from '../core/events.js';

/** What the honeypot runtime records as the source of a connection whose peer was gone before accept. */
const UNKNOWN_SOURCE = '0.0.0.0';

/** The event types the pipeline reads. */
export const THREAT_INPUT_TYPES = ['honeypot.*', 'canary.used'] as const;

/**
 * An input event reduced to what scoring, rules and campaigns read, validated once: a malformed event (no
 * source IP, bad time) is counted and skipped instead of failing the whole batch on every redelivery.
 */
export interface ThreatEvent {
  id: string;
  type: string;
  /** Epoch ms of the event (not of its arrival): windows are measured in event time. */
  time: number;
  sensor: string;
  src: string;
  session: string | null;
  service: string | null;
  dstPort: number | null;
  /** honeypot.connect on a decoy: the port the decoy stands for. */
  decoy: number | null;
  username: string | null;
  /** Password, or the key fingerprint / challenge response: what identifies the credential tried. */
  secret: string | null;
  success: boolean;
  input: string | null;
  sha256: string | null;
  tags: readonly string[];
  canaryId: string | null;
  raw: AnyEvent;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

export type Normalized = { ok: true; event: ThreatEvent } | { ok: false; reason: string };

/** Validates and normalises one bus event. */
export function normalizeEvent(ev: AnyEvent): Normalized {
  const time = Date.parse(ev.time);
  if (!Number.isFinite(time)) return { ok: false, reason: 'time is not an ISO 8601 date' };
  if (typeof ev.id !== 'string' || ev.id.length === 0 || ev.id.length > 64) return { ok: false, reason: 'id missing or too long' };
  const event = (src: string, service: string | null, dstPort: number | null): ThreatEvent => ({
    id: ev.id,
    type: ev.type,
    time,
    sensor: ev.sensor,
    src,
    session: ev.session ?? null,
    service,
    dstPort,
    decoy: null,
    username: null,
    secret: null,
    success: false,
    input: null,
    sha256: null,
    tags: NO_TAGS,
    canaryId: null,
    raw: ev,
  });
  if (ev.type === 'canary.used') {
    const d = ev.data;
    if (typeof d.src_ip !== 'string' || isIP(d.src_ip) === 0) return { ok: false, reason: 'data.src_ip is not an IP address' };
    const out = event(d.src_ip, d.service ?? null, null);
    out.username = d.username ?? null;
    out.canaryId = d.canary_id;
    return { ok: true, event: out };
  }
  if (!ev.type.startsWith('honeypot.')) return { ok: false, reason: `type ${ev.type} is not an input of the threat pipeline` };
  const d = ev.data as unknown as { src_ip?: unknown; service?: unknown; dst_port?: unknown };
  if (typeof d.src_ip !== 'string' || isIP(d.src_ip) === 0) return { ok: false, reason: 'data.src_ip is not an IP address' };
  // The sensor's mark for a peer that reset before its address could be read: nobody to profile.
  if (d.src_ip === UNKNOWN_SOURCE) return { ok: false, reason: 'source unknown (connection reset before accept)' };
  const out = event(d.src_ip, typeof d.service === 'string' ? d.service : null, typeof d.dst_port === 'number' ? d.dst_port : null);
  switch (ev.type) {
    case 'honeypot.connect':
      out.decoy = typeof ev.data.decoy === 'number' ? ev.data.decoy : null;
      break;
    case 'honeypot.auth':
      out.username = String(ev.data.username ?? '');
      out.secret = ev.data.password ?? ev.data.fingerprint ?? ev.data.response ?? null;
      out.success = ev.data.success === true;
      break;
    case 'honeypot.command':
      out.input = String(ev.data.input ?? '');
      out.username = ev.data.username ?? null;
      break;
    case 'honeypot.upload':
      out.sha256 = String(ev.data.sha256 ?? '');
      break;
    case 'honeypot.payload':
      out.sha256 = String(ev.data.sha256 ?? '');
      break;
    case 'honeypot.request':
      out.tags = Array.isArray(ev.data.tags) ? ev.data.tags.slice(0, 16) : [];
      out.input = `${ev.data.method} ${ev.data.path}`;
      break;
    default:
      break;
  }
  return { ok: true, event: out };
}
