import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import type { ChannelType, NotifierDeps, SendResult } from '../channel-type.js';
import { DeliveryError } from '../channel-type.js';
import { SettingsCheck } from '../settings-check.js';
import { FACILITIES, TCP_MAX_OCTETS, UDP_MAX_OCTETS, formatSyslog, octetFrame, utf8Limited, type FacilityName } from './syslog-format.js';

export interface SyslogSettings {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** Facility code 0..23 (given by name or number). */
  facility: number;
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^[0-9A-Fa-f:.]+$/;

/** Syslog (RFC 5424) over UDP or TCP, app-name `lnmt`, the event id in structured data. */
export const syslogChannel = {
  type: 'syslog',
  description: 'RFC 5424 syslog over UDP or TCP (octet-counted frames); host, port, transport, facility',
  secretFields: [],
  validate(settings) {
    const c = new SettingsCheck(settings, 'syslog');
    const host = c.text('host', { required: true, max: 255, pattern: HOST, allowed: 'a host name or IP address' });
    const port = c.int('port', 1, 65535, 514);
    const transport = c.choice('transport', ['udp', 'tcp'] as const, 'udp');
    const facility = parseFacility(c);
    c.done();
    return { host: host!, port, transport, facility };
  },
  create(s, deps) {
    return {
      send(alert, signal) {
        const msg = formatSyslog(alert, { facility: s.facility, hostname: deps.node, procId: String(process.pid) });
        return s.transport === 'udp' ? sendUdp(s, utf8Limited(msg, UDP_MAX_OCTETS)) : sendTcp(s, octetFrame(utf8Limited(msg, TCP_MAX_OCTETS)), deps, signal);
      },
      async close() {},
    };
  },
} satisfies ChannelType<SyslogSettings>;

function parseFacility(c: SettingsCheck): number {
  const raw = c.raw('facility');
  if (raw === undefined || raw === null) return FACILITIES.local0;
  if (typeof raw === 'string' && Object.hasOwn(FACILITIES, raw)) return FACILITIES[raw as FacilityName];
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 23) return n;
  c.fail('facility', raw, 'not a facility', `a name (${Object.keys(FACILITIES).join(', ')}) or a number from 0 to 23`);
  return FACILITIES.local0;
}

/** One datagram; UDP cannot tell whether anyone listened, only that the datagram left. */
function sendUdp(s: SyslogSettings, msg: Buffer): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(s.host) ? 'udp6' : 'udp4');
    sock.once('error', (err) => {
      sock.close();
      reject(new DeliveryError(`syslog udp ${s.host}:${s.port}: ${err.message}`, true, { cause: err }));
    });
    sock.send(msg, s.port, s.host, (err) => {
      if (err) {
        sock.close();
        return reject(new DeliveryError(`syslog udp ${s.host}:${s.port}: ${err.message}`, true, { cause: err }));
      }
      sock.close();
      resolve({ detail: `${msg.length} bytes over udp` });
    });
  });
}

/**
 * A connection per message: connect, write one frame, half-close. Syslog over TCP has no acknowledgement, so
 * the message counts as sent once the kernel took all of it; a receiver that keeps its side open is cut off
 * after the timeout.
 */
function sendTcp(s: SyslogSettings, frame: Buffer, deps: NotifierDeps, signal: AbortSignal): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: s.host, port: s.port });
    let settled = false;
    const done = (err: DeliveryError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        // Our half is closed; give the receiver the timeout to close its half, then let go.
        setTimeout(() => sock.destroy(), deps.timeoutMs).unref();
        resolve({ detail: `${frame.length} bytes over tcp` });
      }
    };
    const where = `syslog tcp ${s.host}:${s.port}`;
    const timer = setTimeout(() => done(new DeliveryError(`${where}: not sent within ${deps.timeoutMs} ms`, true)), deps.timeoutMs);
    const onAbort = () => done(new DeliveryError('cancelled: lnmt is stopping', false));
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => sock.end(frame, () => done(null)));
    sock.on('error', (err) => done(new DeliveryError(`${where}: ${err.message}`, true, { cause: err })));
    sock.once('close', () => done(new DeliveryError(`${where}: connection closed before the message was sent`, true)));
  });
}
