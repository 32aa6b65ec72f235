import Type, { type Static } from 'typebox';

const Millis = (min: number, max: number) => Type.Integer({ minimum: min, maximum: max });
const Opt = Type.Optional;

/** Score deposited per event (`threat.deposits.<event type>`), and per detection by severity. */
const DepositsSchema = Type.Object(
  {
    'honeypot.connect': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'honeypot.auth': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    /** A successful login on a honeypot, on top of `honeypot.auth`. */
    'honeypot.login': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'honeypot.command': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'honeypot.upload': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'honeypot.request': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'honeypot.payload': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'honeypot.forward_request': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'canary.used': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'detection.low': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'detection.medium': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'detection.high': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
    'detection.critical': Opt(Type.Number({ minimum: 0, maximum: 1e6 })),
  },
  { additionalProperties: false },
);

/**
 * `threat.*`: the detection pipeline (attacker profiles with decaying scores, rules, campaigns). Every key is
 * optional; `threatConfig()` fills the defaults, so a config file names only what it changes.
 */
export const ThreatConfigSchema = Type.Object(
  {
    /** Run the pipeline in `serve`/`hub`. */
    enabled: Opt(Type.Boolean()),
    /** A threat score halves every this many ms (6 h by default). */
    halfLifeMs: Opt(Millis(1_000, 365 * 86_400_000)),
    deposits: Opt(DepositsSchema),
    /** Profiles kept in memory (LRU); the rest live in the store and are loaded when their source returns. */
    hotProfiles: Opt(Type.Integer({ minimum: 100, maximum: 10_000_000 })),
    /** Events per store transaction. */
    maxBatch: Opt(Type.Integer({ minimum: 1, maximum: 50_000 })),
    /**
     * A changed attacker profile is written to the store at most this long after its first unwritten change
     * (write-behind; the batch log makes it crash-safe). 0 writes every changed profile with its batch.
     */
    profileFlushMs: Opt(Millis(0, 60_000)),
    /** Events waiting for the pipeline before producers are made to wait (backpressure). */
    maxQueue: Opt(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    /** A YAML rules file (`rules: [...]`); empty = the built-in rules. Reloaded when it changes. */
    rulesFile: Opt(Type.String({ maxLength: 4096 })),
    /** Watch `rulesFile` and reload it on change (a bad file keeps the old rules and logs the error). */
    watchRules: Opt(Type.Boolean()),
    /** Resolve the PTR name of new sources (cached, bounded, with a timeout). */
    reverseDns: Opt(Type.Boolean()),
    dnsTimeoutMs: Opt(Millis(10, 30_000)),
    dnsCacheSize: Opt(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    /**
     * GeoIP/ASN enrichment of new sources from iptoasn.com `ip2asn-*.tsv` files (plain or `.gz`; IPv4, IPv6 or
     * combined), loaded into memory at start. None by default: no country/AS without a database.
     */
    geoip: Opt(Type.Object({ files: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 4 }) }, { additionalProperties: false })),
    /** How much higher an internal source's detections rank (severity steps, capped at critical). */
    internalSeverityBoost: Opt(Type.Integer({ minimum: 0, maximum: 3 })),
    /** Days the ids of applied events are kept for redelivery dedup. */
    dedupRetentionDays: Opt(Type.Integer({ minimum: 1, maximum: 365 })),
    campaigns: Opt(
      Type.Object(
        {
          enabled: Opt(Type.Boolean()),
          /** Members are counted within this window; a key quiet for longer starts a new wave. */
          windowMs: Opt(Millis(1_000, 90 * 86_400_000)),
          /** Distinct sources sharing a key before it is a campaign. */
          minMembers: Opt(Type.Integer({ minimum: 2, maximum: 100_000 })),
          /** `campaign.updated` when members (or sensors) grow by this factor since the last report. */
          growthFactor: Opt(Type.Number({ minimum: 1.1, maximum: 100 })),
          /** Timing campaigns: sources whose first contact falls in the same bucket of this many ms. */
          timingBucketMs: Opt(Millis(1_000, 86_400_000)),
          /** Credentials (`user:password`) too common to mean anything shared (`root:root`, ...). */
          ignoreCredentials: Opt(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10_000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ThreatConfigInput = Static<typeof ThreatConfigSchema>;

export interface ThreatConfig {
  enabled: boolean;
  halfLifeMs: number;
  deposits: Record<string, number>;
  hotProfiles: number;
  maxBatch: number;
  profileFlushMs: number;
  maxQueue: number;
  rulesFile: string;
  watchRules: boolean;
  reverseDns: boolean;
  dnsTimeoutMs: number;
  dnsCacheSize: number;
  geoip: { files: string[] };
  internalSeverityBoost: number;
  dedupRetentionDays: number;
  campaigns: { enabled: boolean; windowMs: number; minMembers: number; growthFactor: number; timingBucketMs: number; ignoreCredentials: string[] };
}

export const DEFAULT_DEPOSITS: Readonly<Record<string, number>> = {
  'honeypot.connect': 1,
  'honeypot.auth': 2,
  'honeypot.login': 15,
  'honeypot.command': 5,
  'honeypot.upload': 25,
  'honeypot.request': 1,
  'honeypot.payload': 1,
  'honeypot.forward_request': 10,
  'canary.used': 100,
  'detection.low': 5,
  'detection.medium': 10,
  'detection.high': 25,
  'detection.critical': 50,
};

export function threatDefaults(): ThreatConfig {
  return {
    enabled: true,
    halfLifeMs: 6 * 3_600_000,
    deposits: { ...DEFAULT_DEPOSITS },
    hotProfiles: 100_000,
    maxBatch: 5000,
    profileFlushMs: 1000,
    maxQueue: 50_000,
    rulesFile: '',
    watchRules: true,
    reverseDns: false,
    dnsTimeoutMs: 500,
    dnsCacheSize: 10_000,
    geoip: { files: [] },
    internalSeverityBoost: 1,
    dedupRetentionDays: 7,
    campaigns: { enabled: true, windowMs: 86_400_000, minMembers: 3, growthFactor: 2, timingBucketMs: 60_000, ignoreCredentials: [] },
  };
}

/** The effective `threat` section: defaults overlaid with what the config file, env or flags set. */
export function threatConfig(input: ThreatConfigInput | undefined): ThreatConfig {
  const d = threatDefaults();
  if (!input) return d;
  const pick = <T>(v: T | undefined, dflt: T): T => (v === undefined ? dflt : v);
  const deposits = { ...d.deposits };
  for (const [k, v] of Object.entries(input.deposits ?? {})) if (typeof v === 'number') deposits[k] = v;
  const c = input.campaigns ?? {};
  return {
    enabled: pick(input.enabled, d.enabled),
    halfLifeMs: pick(input.halfLifeMs, d.halfLifeMs),
    deposits,
    hotProfiles: pick(input.hotProfiles, d.hotProfiles),
    maxBatch: pick(input.maxBatch, d.maxBatch),
    profileFlushMs: pick(input.profileFlushMs, d.profileFlushMs),
    maxQueue: pick(input.maxQueue, d.maxQueue),
    rulesFile: pick(input.rulesFile, d.rulesFile),
    watchRules: pick(input.watchRules, d.watchRules),
    reverseDns: pick(input.reverseDns, d.reverseDns),
    dnsTimeoutMs: pick(input.dnsTimeoutMs, d.dnsTimeoutMs),
    dnsCacheSize: pick(input.dnsCacheSize, d.dnsCacheSize),
    geoip: { files: pick(input.geoip?.files, d.geoip.files) },
    internalSeverityBoost: pick(input.internalSeverityBoost, d.internalSeverityBoost),
    dedupRetentionDays: pick(input.dedupRetentionDays, d.dedupRetentionDays),
    campaigns: {
      enabled: pick(c.enabled, d.campaigns.enabled),
      windowMs: pick(c.windowMs, d.campaigns.windowMs),
      minMembers: pick(c.minMembers, d.campaigns.minMembers),
      growthFactor: pick(c.growthFactor, d.campaigns.growthFactor),
      timingBucketMs: pick(c.timingBucketMs, d.campaigns.timingBucketMs),
      ignoreCredentials: pick(c.ignoreCredentials, d.campaigns.ignoreCredentials),
    },
  };
}
