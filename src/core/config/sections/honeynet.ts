import Type, { type Static, type TObject, type TProperties } from 'typebox';
import { AuthPolicySchema } from './auth-policy-schema.js';
import { FTP_DEFAULTS, FtpSettingsSchema } from '../../../honeynet/services/ftp/ftp-settings.js';
import { SMTP_DEFAULTS, SmtpSettingsSchema } from '../../../honeynet/services/smtp/smtp-settings.js';
import { VNC_DEFAULTS, VncSettingsSchema } from '../../../honeynet/services/vnc/vnc-settings.js';
import { REDIS_DEFAULTS, RedisSettingsSchema } from '../../../honeynet/services/redis/redis-settings.js';
import { MYSQL_DEFAULTS, MysqlSettingsSchema } from '../../../honeynet/services/mysql/mysql-settings.js';
import { POSTGRES_DEFAULTS, PostgresSettingsSchema } from '../../../honeynet/services/postgres/postgres-settings.js';
import { HTTP_DEFAULTS, HttpSettingsSchema } from '../../../honeynet/services/http/http-settings.js';
import { MSSQL_DEFAULTS, MssqlSettingsSchema } from '../../../honeynet/services/mssql/mssql-settings.js';
import { SMB_DEFAULTS, SmbSettingsSchema } from '../../../honeynet/services/smb/smb-settings.js';
import { RDP_DEFAULTS, RdpSettingsSchema } from '../../../honeynet/services/rdp/rdp-settings.js';
import { BANNER_DEFAULTS, BannerSettingsSchema } from '../../../honeynet/services/banner/banner-settings.js';
import { DECOY_DEFAULTS, DecoySettingsSchema } from '../../../honeynet/services/decoy/decoy-settings.js';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

export { AuthPolicySchema } from './auth-policy-schema.js';

/** Settings every service has, plus the login settings of the interactive ones. */
const LoginService = Type.Object(
  {
    enabled: Type.Boolean(),
    port: Port,
    /** Listen address; `0.0.0.0` for every IPv4 interface, `::` for IPv6 too. */
    bind: Type.String({ minLength: 1, maxLength: 64 }),
    auth: AuthPolicySchema,
    /** Pause after a failed login, as the real server does (0 for benchmarks). */
    failDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
    /** Failed logins before the connection is closed. */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }),
  },
  { additionalProperties: false },
);

/** Where a service listens, plus the settings its module defines (`services/<name>/<name>-settings.ts`). */
function serviceSettings<T extends TProperties>(own: TObject<T>) {
  return Type.Object({ enabled: Type.Boolean(), port: Port, bind: Type.String({ minLength: 1, maxLength: 64 }), ...own.properties }, { additionalProperties: false });
}

/**
 * `honeynet.*`: the sensor runtime every honeypot service runs in. Per-service settings
 * (`honeynet.services.<name>`) arrive with the services; these are the limits and files they all share.
 */
export const HoneynetConfigSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    /**
     * Processes serving the connections (one process holds at most ~20,000 sockets here). 1: the sensor's own
     * process, unless started as root with `user` set, which always uses worker processes.
     */
    workers: Type.Integer({ minimum: 1, maximum: 64 }),
    /** Started as root: bind the ports, then switch to this user before accepting (empty: stay as started). */
    user: Type.String({ maxLength: 64, pattern: '^([a-z_][a-z0-9_-]*)?$' }),
    /** Cowrie-style JSON lines of every honeypot event (relative to dataDir unless absolute; empty: off). */
    logFile: Type.String({ maxLength: 4096 }),
    quarantine: Type.Object(
      {
        /** Uploaded and fetched files, named by sha256, mode 0400 (relative to dataDir unless absolute). */
        dir: Type.String({ minLength: 1, maxLength: 4096 }),
        maxFileBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024 }),
        maxTotalBytes: Type.Integer({ minimum: 1024 * 1024, maximum: 1024 * 1024 * 1024 * 1024 }),
      },
      { additionalProperties: false },
    ),
    recordings: Type.Object(
      {
        /** asciicast v2 transcripts of interactive sessions (relative to dataDir unless absolute). */
        dir: Type.String({ minLength: 1, maxLength: 4096 }),
        maxBytesPerSession: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
      },
      { additionalProperties: false },
    ),
    limits: Type.Object(
      {
        maxConnections: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        maxPerIp: Type.Integer({ minimum: 1, maximum: 100_000 }),
        /** New connections per source IP per minute (token bucket; bursts up to the same number). */
        connectsPerMinutePerIp: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        idleTimeoutSec: Type.Integer({ minimum: 1, maximum: 86_400 }),
        maxSessionSec: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
        maxBytesInPerSession: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024 }),
        maxBytesOutPerSession: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024 }),
      },
      { additionalProperties: false },
    ),
    services: Type.Object(
      {
        ssh: LoginService,
        telnet: LoginService,
        ftp: serviceSettings(FtpSettingsSchema),
        smtp: serviceSettings(SmtpSettingsSchema),
        /** nginx or Apache as the persona's OS ships them, with a login portal and the probe paths. */
        http: serviceSettings(HttpSettingsSchema),
        /** The same over TLS with the persona's snakeoil certificate. */
        https: serviceSettings(HttpSettingsSchema),
        vnc: serviceSettings(VncSettingsSchema),
        redis: serviceSettings(RedisSettingsSchema),
        mysql: serviceSettings(MysqlSettingsSchema),
        postgres: serviceSettings(PostgresSettingsSchema),
        /** `flavor: samba` (a Linux persona's own) or `windows` (a Windows Server: configure it knowingly). */
        smb: serviceSettings(SmbSettingsSchema),
        /** `flavor: xrdp` (a Linux persona's own) or `windows` (Remote Desktop with NLA). */
        rdp: serviceSettings(RdpSettingsSchema),
        /** Microsoft SQL Server for Linux (a real product on a Linux host). */
        mssql: serviceSettings(MssqlSettingsSchema),
      },
      { additionalProperties: false },
    ),
    /** Generic TCP services: a banner on connect, a reply per line, the first payload recorded. */
    banners: Type.Array(BannerSettingsSchema, { maxItems: 256 }),
    /** Silent listeners on the ports scanners try: any connection there is a probe (scan detection). */
    decoys: DecoySettingsSchema,
    /** Tarpit: answer slowly (one byte every `intervalMs`) to waste scanners' time; off by default. */
    tarpit: Type.Object(
      { enabled: Type.Boolean(), intervalMs: Type.Integer({ minimum: 10, maximum: 60_000 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type HoneynetConfig = Static<typeof HoneynetConfigSchema>;

export function honeynetDefaults(): HoneynetConfig {
  return {
    enabled: true,
    workers: 1,
    user: '',
    logFile: 'honeynet/events.jsonl',
    quarantine: { dir: 'honeynet/quarantine', maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 },
    recordings: { dir: 'honeynet/sessions', maxBytesPerSession: 1024 * 1024 },
    limits: {
      maxConnections: 18_000,
      maxPerIp: 64,
      connectsPerMinutePerIp: 600,
      idleTimeoutSec: 180,
      maxSessionSec: 3600,
      maxBytesInPerSession: 4 * 1024 * 1024,
      maxBytesOutPerSession: 16 * 1024 * 1024,
    },
    tarpit: { enabled: false, intervalMs: 1000 },
    banners: BANNER_DEFAULTS.map((b) => ({ ...b })),
    decoys: { ...DECOY_DEFAULTS, ports: [] },
    services: {
      ssh: { enabled: true, port: 2222, bind: '0.0.0.0', auth: { mode: 'after', attempts: 3 }, failDelayMs: 2000, maxAttempts: 6 },
      telnet: { enabled: true, port: 2323, bind: '0.0.0.0', auth: { mode: 'after', attempts: 2 }, failDelayMs: 3000, maxAttempts: 3 },
      ftp: { enabled: true, port: 2121, bind: '0.0.0.0', ...FTP_DEFAULTS },
      smtp: { enabled: true, port: 2525, bind: '0.0.0.0', ...SMTP_DEFAULTS },
      http: { enabled: true, port: 8080, bind: '0.0.0.0', ...HTTP_DEFAULTS },
      https: { enabled: true, port: 8443, bind: '0.0.0.0', ...HTTP_DEFAULTS },
      vnc: { enabled: true, port: 15900, bind: '0.0.0.0', ...VNC_DEFAULTS },
      redis: { enabled: true, port: 16379, bind: '0.0.0.0', ...REDIS_DEFAULTS },
      mysql: { enabled: true, port: 13306, bind: '0.0.0.0', ...MYSQL_DEFAULTS },
      postgres: { enabled: true, port: 15432, bind: '0.0.0.0', ...POSTGRES_DEFAULTS },
      smb: { enabled: true, port: 1445, bind: '0.0.0.0', ...SMB_DEFAULTS },
      rdp: { enabled: true, port: 13389, bind: '0.0.0.0', ...RDP_DEFAULTS },
      mssql: { enabled: true, port: 11433, bind: '0.0.0.0', ...MSSQL_DEFAULTS },
    },
  };
}
