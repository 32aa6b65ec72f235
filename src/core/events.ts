/**
 * THE event catalogue. Every event LNMT emits has a type listed here, a one-line description (also the
 * documentation in docs/events.md, which a test keeps in sync) and a typed payload. Honeypot events added later
 * keep Cowrie-compatible field names (`src_ip`, `username`, ...).
 */
import { uuidv7 } from './ids.js';

export const DEVICE_STATUSES = ['online', 'offline', 'unknown'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface DeviceRef {
  id: number;
  ip: string;
  mac: string | null;
  vendor: string | null;
  hostname: string | null;
}

export const CHECK_STATES = ['up', 'down', 'unknown'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/** A health check as events carry it. */
export interface CheckRef {
  id: string;
  name: string;
  type: string;
  target: string;
  device_id: number | null;
}

export interface JobRef {
  id: string;
  name: string;
  type: string;
}

/** Where a honeypot event happened; field names follow Cowrie's JSON log so existing pipelines can read ours. */
export interface HoneypotRef {
  /** The honeypot service (`ssh`, `telnet`, ...). */
  service: string;
  src_ip: string;
  src_port: number;
  dst_ip: string;
  dst_port: number;
  protocol: 'tcp' | 'udp';
}

export interface EventPayloads {
  'device.discovered': { device: DeviceRef; method: string; rtt_ms: number | null; scan_id: string | null };
  'device.state_changed': {
    device: DeviceRef;
    previous: DeviceStatus;
    current: DeviceStatus;
    method: string | null;
    rtt_ms: number | null;
    scan_id: string | null;
  };
  'device.changed': {
    device: DeviceRef;
    changes: Array<{ field: 'ip' | 'mac' | 'hostname' | 'vendor'; from: string | null; to: string | null }>;
    scan_id: string | null;
  };
  'device.added': { device: DeviceRef; by: 'api' | 'cli' | 'config' };
  'device.removed': { device: DeviceRef };
  'scan.started': { scan_id: string; targets: string[]; addresses: number; methods: string[] };
  'scan.finished': {
    scan_id: string;
    status: 'finished' | 'failed' | 'cancelled';
    addresses: number;
    online: number;
    discovered: number;
    went_offline: number;
    duration_ms: number;
    error?: string;
  };
  'check.result': {
    check: CheckRef;
    ok: boolean;
    latency_ms: number | null;
    message: string;
    /** Type-specific facts: HTTP status, TLS days left, DNS answers, ... */
    details?: Record<string, unknown>;
  };
  'check.state_changed': {
    check: CheckRef;
    previous: CheckState;
    current: CheckState;
    message: string;
    /** Consecutive failed (down) or successful (up) results that led to the change. */
    streak: number;
    /** The check changed state often enough in its flap window that it is considered flapping. */
    flapping: boolean;
    device: DeviceRef | null;
  };
  'check.cert_expiring': {
    check: CheckRef;
    days_left: number;
    not_after: string;
    subject: string;
    issuer: string;
    threshold_days: number;
  };
  'job.run_started': { job: JobRef; run_id: string; trigger: 'schedule' | 'manual' | 'retry' | 'catch_up'; attempt: number; scheduled_for: string };
  'job.run_finished': {
    job: JobRef;
    run_id: string;
    trigger: 'schedule' | 'manual' | 'retry' | 'catch_up';
    attempt: number;
    status: 'succeeded' | 'failed' | 'timed_out' | 'skipped';
    duration_ms: number;
    summary?: Record<string, unknown>;
    error?: string;
  };
  'notification.failed': { channel: string; channel_type: string; event_id: string | null; attempts: number; error: string };
  'honeypot.connect': HoneypotRef & {
    /** Refused by a limit (per-IP, global, rate) before any byte was read. */
    refused?: string;
    /**
     * A decoy (`honeynet.decoys`): the port it stands for (what the client reached before nftables steered it to
     * the decoy's listener). Nothing real listens there, so any connection is a probe.
     */
    decoy?: number;
  };
  'honeypot.auth': HoneypotRef & {
    /** `challenge-response`: the client proved a password without sending it (MySQL, VNC, PostgreSQL md5/SCRAM). */
    method: 'password' | 'publickey' | 'keyboard-interactive' | 'challenge-response' | 'none';
    username: string;
    password?: string;
    /** SHA256 fingerprint of an offered public key, as `ssh-keygen -l` prints it. */
    fingerprint?: string;
    key_type?: string;
    /** A challenge-response attempt as a cracker takes it (hashcat's format for the mode named in `hash_type`). */
    response?: string;
    hash_type?: string;
    /** The database asked for (SQL services). */
    database?: string;
    /** What the client said it is (a client program, host or library name), where the protocol carries it. */
    client?: string;
    /** The Windows/NTLM domain the client named (SMB, RDP, MSSQL). */
    domain?: string;
    /** The workstation name the client sent (NTLM). */
    workstation?: string;
    success: boolean;
  };
  'honeypot.request': HoneypotRef & {
    /** One request on a honeypot web server (HTTP/HTTPS), as received; credentials in it also give `honeypot.auth`. */
    method: string;
    /** Path without the query, as sent (not decoded). */
    path: string;
    query: string;
    http_version: string;
    host?: string;
    user_agent?: string;
    /** Header names and values as sent, in order (bounded in count and size). */
    headers: Array<[string, string]>;
    /** The body up to the service's cap (UTF-8, invalid bytes replaced); `body_bytes` is the full length. */
    body?: string;
    body_bytes: number;
    body_truncated: boolean;
    status: number;
    /** What the request was after: `probe:env`, `probe:git`, `login:wordpress`, `canary`, `scanner:<name>`, ... */
    tags: string[];
    /** The token of a canary URL that was fetched (bait files plant such URLs). */
    canary_token?: string;
  };
  'honeypot.payload': HoneypotRef & {
    /** What a client sent to a banner or decoy port before it closed (or up to the cap). */
    size: number;
    sha256: string;
    /** The first bytes, latin1 with non-printables escaped as \xNN (bounded). */
    preview: string;
    truncated: boolean;
  };
  'honeypot.command': HoneypotRef & { input: string; known: boolean; username?: string };
  'honeypot.upload': HoneypotRef & { filename: string; size: number; sha256: string; quarantine: string | null; truncated: boolean; via: string };
  'honeypot.forward_request': HoneypotRef & { kind: 'direct-tcpip' | 'tcpip-forward' | 'streamlocal' | 'x11' | 'agent' | 'url'; dst_host: string; dst_port_requested: number };
  'honeypot.close': HoneypotRef & { duration_ms: number; bytes_in: number; bytes_out: number; reason: string };
  /** A planted canary (credential, URL, file) was used: the strongest signal there is (bait files emit it). */
  'canary.used': { canary_id: string; kind: 'credential' | 'url' | 'file'; src_ip: string; service?: string; username?: string; detail?: string };
  'threat.detected': {
    /** The rule's name and its type in the rule registry. */
    rule: string;
    rule_type: string;
    severity: 'low' | 'medium' | 'high' | 'critical';
    src_ip: string;
    /** The source's decayed threat score after this detection's evidence. */
    score: number;
    summary: string;
    /** Ids of the events that made the rule fire (bounded). */
    evidence: string[];
    sensors: string[];
    /** The source is a device of our own inventory: an internal host touched a honeypot. */
    device?: { id: number; ip: string; hostname: string | null; mac: string | null; vendor: string | null; first_seen: string | null };
  };
  'campaign.detected': CampaignPayload;
  'campaign.updated': CampaignPayload;
  'decision.added': {
    id: string;
    /** An IP address or CIDR. */
    target: string;
    action: 'ban' | 'tag';
    reason: string;
    origin: 'rule' | 'manual' | 'api';
    rule?: string;
    expires_at: string | null;
    /** How many times this target was decided on before (repeat offenders get longer bans). */
    escalation: number;
  };
  'decision.removed': { id: string; target: string; reason: 'expired' | 'manual' | 'replaced' };
}

/** Sources and sensors that share behaviour within a window (a "campaign"). */
export interface CampaignPayload {
  campaign_id: string;
  /** What the members share. */
  kind: 'credentials' | 'commands' | 'uploads' | 'timing';
  key: string;
  members: number;
  /** A bounded sample of the member sources. */
  sources: string[];
  sensors: string[];
  first_seen: string;
  last_seen: string;
  score: number;
}

export type EventType = keyof EventPayloads;

/**
 * `archive: false` marks high-volume types that have a table of their own (`check.result` → `check_results`, with
 * rollups and retention) and are not copied into the `events` table.
 */
export const EVENT_CATALOGUE: { readonly [T in EventType]: { description: string; severity: 'info' | 'notice' | 'warning'; archive?: false } } = {
  'device.discovered': { description: 'A device answered for the first time (new IP in the inventory).', severity: 'notice' },
  'device.state_changed': { description: 'A device went online or offline; carries the previous and current state.', severity: 'notice' },
  'device.changed': { description: 'A known device changed IP, MAC, hostname or vendor; carries each change.', severity: 'notice' },
  'device.added': { description: 'A user added a device to the inventory by hand (it has not answered a probe yet).', severity: 'info' },
  'device.removed': { description: 'A device was removed from the inventory by a user.', severity: 'info' },
  'scan.started': { description: 'A discovery scan started; carries targets, address count and methods.', severity: 'info' },
  'scan.finished': { description: 'A discovery scan ended (finished, failed or cancelled) with its counts.', severity: 'info' },
  'check.result': { description: 'A health check ran once; carries success, latency, a message and type-specific details.', severity: 'info', archive: false },
  'check.state_changed': { description: 'A health check went up or down after its retries; carries the streak and whether it is flapping.', severity: 'warning' },
  'check.cert_expiring': { description: 'A TLS certificate seen by an HTTPS check expires within its warning threshold.', severity: 'warning' },
  'job.run_started': { description: 'A scheduled job started a run (by schedule, by hand, as a retry or as a catch-up).', severity: 'info' },
  'job.run_finished': { description: 'A job run ended (succeeded, failed, timed out or skipped) with its duration and summary.', severity: 'info' },
  'notification.failed': { description: 'A notification channel failed to deliver after all its retries.', severity: 'warning' },
  'honeypot.connect': { description: 'A client connected to a honeypot service (or was refused by a limit).', severity: 'notice' },
  'honeypot.auth': { description: 'A login attempt on a honeypot: method, username, password or key fingerprint, success.', severity: 'warning' },
  'honeypot.request': { description: 'A request to a honeypot web server: method, path, headers, body up to a cap, and tags for what it probed.', severity: 'notice' },
  'honeypot.payload': { description: 'The first bytes a client sent to a banner or decoy port (size, sha256, an escaped preview).', severity: 'notice' },
  'honeypot.command': { description: 'A command line an attacker entered in a honeypot shell (never executed).', severity: 'warning' },
  'honeypot.upload': { description: 'A file an attacker uploaded or fetched into a honeypot, kept in quarantine by its sha256.', severity: 'warning' },
  'honeypot.forward_request': { description: 'An attacker asked a honeypot to open a connection or forward a port (always refused).', severity: 'warning' },
  'honeypot.close': { description: 'A honeypot session ended; carries its duration, bytes in and out, and why it ended.', severity: 'info' },
  'canary.used': { description: 'A planted canary credential, URL or file was used; names the canary and the source.', severity: 'warning' },
  'threat.detected': { description: 'A detection rule fired for a source: severity, rule, evidence event ids, the decayed score, and the inventory device if it is ours.', severity: 'warning' },
  'campaign.detected': { description: 'Several sources or sensors share credentials, commands, uploads or timing: a new campaign.', severity: 'warning' },
  'campaign.updated': { description: 'A campaign grew past a threshold (members, sensors or score).', severity: 'notice' },
  'decision.added': { description: 'A source or CIDR was banned or tagged (by a rule or by hand), with its expiry.', severity: 'notice' },
  'decision.removed': { description: 'A decision ended: expired, removed by hand, or replaced by a longer one.', severity: 'info' },
};

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export interface Endpoint {
  ip: string;
  port?: number;
}

/** The one shape of every event, on the bus, in the store and in JSON-lines logs. */
export interface LnmtEvent<T extends EventType = EventType> {
  /** UUIDv7: unique, time-sortable, the dedup key on the bus. */
  id: string;
  type: T;
  /** ISO 8601 UTC. */
  time: string;
  /** The node that observed it (hub or sensor name). */
  sensor: string;
  src?: Endpoint;
  dst?: Endpoint;
  session?: string;
  data: EventPayloads[T];
}

export type AnyEvent = { [T in EventType]: LnmtEvent<T> }[EventType];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}

export function makeEvent<T extends EventType>(
  type: T,
  data: EventPayloads[T],
  opts: { sensor: string; now?: number; src?: Endpoint; dst?: Endpoint; session?: string },
): LnmtEvent<T> {
  const now = opts.now ?? Date.now();
  const ev: LnmtEvent<T> = { id: uuidv7(now), type, time: new Date(now).toISOString(), sensor: opts.sensor, data };
  if (opts.src) ev.src = opts.src;
  if (opts.dst) ev.dst = opts.dst;
  if (opts.session) ev.session = opts.session;
  return ev;
}
