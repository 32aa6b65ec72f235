import Type, { type Static } from 'typebox';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

/** When a honeypot lets an attacker in (see src/honeynet/runtime/auth-policy.ts). */
export const AuthPolicySchema = Type.Union([
  Type.Object({ mode: Type.Literal('never') }, { additionalProperties: false }),
  Type.Object(
    { mode: Type.Literal('credentials'), credentials: Type.Array(Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }), password: Type.String({ maxLength: 256 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }) },
    { additionalProperties: false },
  ),
  Type.Object({ mode: Type.Literal('after'), attempts: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('probability'), p: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false }),
]);

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

/**
 * `honeynet.*`: the sensor runtime every honeypot service runs in. Per-service settings
 * (`honeynet.services.<name>`) arrive with the services; these are the limits and files they all share.
 */
export const HoneynetConfigSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    /** Processes sharing the listeners (one process holds at most ~20,000 sockets here). */
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
    services: Type.Object({ ssh: LoginService, telnet: LoginService }, { additionalProperties: false }),
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
    services: {
      ssh: { enabled: true, port: 2222, bind: '0.0.0.0', auth: { mode: 'after', attempts: 3 }, failDelayMs: 2000, maxAttempts: 6 },
      telnet: { enabled: true, port: 2323, bind: '0.0.0.0', auth: { mode: 'after', attempts: 2 }, failDelayMs: 3000, maxAttempts: 3 },
    },
  };
}
