/**
 * RFC 5424 syslog messages and their transport framing:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="VALUE" ...] MSG`
 * - UDP (RFC 5426): one message per datagram, at most 2,048 octets (what receivers SHOULD accept).
 * - TCP (RFC 6587 §3.4.1, octet counting): `MSG-LEN SP SYSLOG-MSG`, so messages may contain any byte.
 */
import { bodyText, headline, type Alert, type Severity } from '../alert.js';

export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, security: 13, console: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
} as const;
export type FacilityName = keyof typeof FACILITIES;

/** Alert severity → syslog severity code (2 crit, 4 warning, 5 notice, 6 informational). */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, warning: 4, notice: 5, info: 6 };

/**
 * SD-ID of our structured data. An SD-ID of our own needs `name@<private enterprise number>`; LNMT has no
 * IANA enterprise number, so it uses 32473, the number RFC 5612 reserves for documentation and examples.
 */
export const SD_ID = 'lnmt@32473';
export const APP_NAME = 'lnmt';
export const UDP_MAX_OCTETS = 2048;
export const TCP_MAX_OCTETS = 8192;

export interface SyslogHeader {
  facility: number;
  hostname: string;
  procId: string;
}

/** PRINTUSASCII (33..126) only, at most `max` characters; empty becomes the NILVALUE `-`. */
function headerField(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
function paramValue(s: string): string {
  return s.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** The RFC 5424 message for an alert (no framing). */
export function formatSyslog(alert: Alert, h: SyslogHeader): string {
  const pri = h.facility * 8 + SYSLOG_SEVERITY[alert.severity];
  const params: Array<[string, string]> = [];
  if (alert.event) params.push(['event_id', alert.event.id], ['event_type', alert.event.type]);
  params.push(['rule', alert.rule], ['key', alert.key], ['severity', alert.severity], ['suppressed', String(alert.suppressed)]);
  const sd = `[${SD_ID}${params.map(([k, v]) => ` ${k}="${paramValue(v)}"`).join('')}]`;
  const msg = `${headline(alert)}: ${bodyText(alert)}`.replace(/\s*[\r\n]+\s*/g, ' ');
  return `<${pri}>1 ${alert.time} ${headerField(h.hostname, 255)} ${APP_NAME} ${headerField(h.procId, 128)} ${headerField(alert.rule, 32)} ${sd} ${msg}`;
}

/** UTF-8 bytes of `s`, cut to `max` octets without splitting a character. */
export function utf8Limited(s: string, max: number): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** RFC 6587 octet-counting frame: the byte length, a space, the message. */
export function octetFrame(msg: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${msg.length} `, 'ascii'), msg]);
}
