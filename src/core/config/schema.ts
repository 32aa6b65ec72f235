import Type, { type Static } from 'typebox';
import { HoneynetConfigSchema } from './sections/honeynet.js';
import { MonitorConfigSchema } from './sections/monitor.js';
import { NotifyConfigSchema } from './sections/notify.js';
import { SchedulerConfigSchema } from './sections/scheduler.js';
import { ThreatConfigSchema } from './sections/threat.js';
import { ResponseConfigSchema } from './sections/response.js';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
/** `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53` or `[2001:db8::53]:5353` — what the resolver accepts. */
const DNS_SERVER = '^((\\d{1,3}\\.){3}\\d{1,3}(:\\d{1,5})?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?)$';

/**
 * The one configuration schema: YAML file, `LNMT_*` environment variables and CLI flags all land here and are
 * validated together at start-up. Keys follow one pattern: `<part>.<setting>`.
 */
export const ConfigSchema = Type.Object(
  {
    /** Name of this node in events (`sensor` field). */
    node: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }) }, { additionalProperties: false }),
    dataDir: Type.String({ minLength: 1 }),
    log: Type.Object(
      {
        level: Type.Union([
          Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
          Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent'),
        ]),
      },
      { additionalProperties: false },
    ),
    store: Type.Object(
      {
        driver: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
        sqlite: Type.Object(
          {
            /** Relative to dataDir unless absolute. */
            file: Type.String({ minLength: 1 }),
            cacheSizeMb: Type.Integer({ minimum: 2, maximum: 4096 }),
            mmapSizeMb: Type.Integer({ minimum: 0, maximum: 65536 }),
            busyTimeoutMs: Type.Integer({ minimum: 0, maximum: 600000 }),
          },
          { additionalProperties: false },
        ),
        postgres: Type.Object(
          { url: Type.String({ pattern: '^postgres(ql)?://' }), poolSize: Type.Integer({ minimum: 1, maximum: 200 }) },
          { additionalProperties: false },
        ),
        batch: Type.Object(
          { maxSize: Type.Integer({ minimum: 1, maximum: 100000 }), maxDelayMs: Type.Integer({ minimum: 0, maximum: 10000 }) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    api: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Port,
        trustProxy: Type.Boolean(),
        /** Requests per window per token (or per IP when unauthenticated). */
        rateLimit: Type.Object(
          { max: Type.Integer({ minimum: 1 }), windowMs: Type.Integer({ minimum: 100, maximum: 3600000 }) },
          { additionalProperties: false },
        ),
        /** Responses larger than this many bytes are compressed (gzip/br) when the client asks. */
        compressThreshold: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    scanner: Type.Object(
      {
        /** TCP ports probed per host; a SYN-ACK or a RST proves the host is up. */
        tcpPorts: Type.Array(Port, { minItems: 0, maxItems: 64 }),
        icmp: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')]),
        neighbours: Type.Boolean(),
        reverseDns: Type.Boolean(),
        /** DNS servers for reverse lookups (`ip` or `ip:port`); empty = the system resolver's. */
        dnsServers: Type.Array(Type.String({ pattern: DNS_SERVER }), { maxItems: 8 }),
        dnsTimeoutMs: Type.Integer({ minimum: 50, maximum: 30000 }),
        /** Upper bound of the per-host wait; the adaptive timeout never exceeds it. */
        timeoutMs: Type.Integer({ minimum: 50, maximum: 60000 }),
        /** Lower bound of the adaptive per-host wait. */
        minTimeoutMs: Type.Integer({ minimum: 10, maximum: 60000 }),
        retries: Type.Integer({ minimum: 0, maximum: 10 }),
        /** Hosts probed at once (the window adapts downwards on resource errors). */
        concurrency: Type.Integer({ minimum: 1, maximum: 4096 }),
        /** Open TCP probe sockets at once (the per-process file limit here is 20,000). */
        maxSockets: Type.Integer({ minimum: 1, maximum: 16000 }),
        /**
         * On-link hosts probed at once. Each holds an unresolved neighbour entry until it answers or expires;
         * Linux keeps up to gc_thresh3 (1,024) entries, gVisor's netstack only 128 unresolved ones.
         */
        maxPendingNeighbours: Type.Integer({ minimum: 1, maximum: 4096 }),
        /** ICMP echo requests per second. */
        packetsPerSecond: Type.Integer({ minimum: 1, maximum: 1000000 }),
        /** Results younger than this answer repeated scans without probing again (0 disables). */
        cacheTtlSec: Type.Integer({ minimum: 0, maximum: 86400 }),
        /** Addresses above this need --force (65,536 = a /16). */
        maxAddresses: Type.Integer({ minimum: 1, maximum: 16777216 }),
      },
      { additionalProperties: false },
    ),
    monitor: MonitorConfigSchema,
    scheduler: SchedulerConfigSchema,
    notify: NotifyConfigSchema,
    honeynet: HoneynetConfigSchema,
    /** Optional so configs without it stay valid; `threatConfig()` fills the defaults. */
    threat: Type.Optional(ThreatConfigSchema),
    /** Optional as a whole: every key has a default in `responseSettings` (src/response/response-settings.ts). */
    response: Type.Optional(ResponseConfigSchema),
  },
  { additionalProperties: false },
);

export type LnmtConfig = Static<typeof ConfigSchema>;

/** Keys whose values are masked by `config show` and never logged. */
export const SECRET_KEYS = ['store.postgres.url'];
