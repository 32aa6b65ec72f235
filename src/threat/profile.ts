import { deposit, type DecayingScore } from './decay.js';
import type { ProfileWrite } from '../store/repositories/threat-profile-repo.js';

/**
 * What a profile is about: one source IP, or an aggregate of many sources sharing a network (/24, or /64 for
 * IPv6), a credential, a payload or upload hash, a command sequence, or a first-contact time bucket.
 */
export const PROFILE_KINDS = ['ip', 'net', 'cred', 'payload', 'upload', 'command', 'timing'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** Caps on every list a profile keeps: memory per profile is bounded whatever a source does. */
export const PROFILE_BOUNDS = {
  sensors: 32,
  services: 32,
  ports: 256,
  credentials: 100,
  commands: 100,
  uploads: 50,
  tags: 64,
  sources: 1000,
} as const;

/**
 * Members of an aggregate written to the store (the profile body, the campaign row). Memory keeps up to
 * `PROFILE_BOUNDS.sources` to recognise returning members exactly while the aggregate is hot; writing all of
 * them on every change made a busy credential or command campaign rewrite ~15 KB per batch, which was most of
 * a small batch's cost (event → detection p50 43 ms → 9.5 ms at 10,000 events/s when cut to this). After a
 * reload a returning member beyond the stored sample may be counted again: a large campaign looks slightly larger.
 */
export const STORED_SOURCES = 100;

export interface ProfileCounts {
  connects: number;
  auths: number;
  logins: number;
  commands: number;
  uploads: number;
  requests: number;
  payloads: number;
  canaries: number;
  detections: number;
}

export interface Profile {
  kind: ProfileKind;
  key: string;
  firstSeen: number;
  lastSeen: number;
  score: DecayingScore;
  /** Events applied (each at most once: see the pipeline's applied-id check). */
  events: number;
  counts: ProfileCounts;
  sensors: string[];
  services: string[];
  ports: number[];
  /** `user:password` (or `user:key-fingerprint`), most recent last. */
  credentials: string[];
  commands: string[];
  /** sha256 of uploaded files. */
  uploads: string[];
  tags: string[];
  /** Aggregates: a bounded sample of member sources, and how many distinct ones joined in the current wave. */
  sources: string[];
  sourceCount: number;
  /** Start of the current wave (aggregates): sources are counted within the campaign window from here. */
  waveStart: number;
  deviceId: number | null;
  rdns: string | null;
  geo: { country?: string; asn?: number; org?: string } | null;
  /** Aggregates: the campaign of the current wave, once there is one, and what was last reported of it. */
  campaign: CampaignMark | null;
  /** The last pipeline batch whose events this profile holds (replay after a crash skips those up to it). */
  seq: number;
}

export interface CampaignMark {
  id: string;
  wave: number;
  reportedMembers: number;
  reportedSensors: number;
}

export function newProfile(kind: ProfileKind, key: string, time: number): Profile {
  return {
    kind,
    key,
    firstSeen: time,
    lastSeen: time,
    score: { value: 0, at: time },
    events: 0,
    counts: { connects: 0, auths: 0, logins: 0, commands: 0, uploads: 0, requests: 0, payloads: 0, canaries: 0, detections: 0 },
    sensors: [],
    services: [],
    ports: [],
    credentials: [],
    commands: [],
    uploads: [],
    tags: [],
    sources: [],
    sourceCount: 0,
    waveStart: time,
    deviceId: null,
    rdns: null,
    geo: null,
    campaign: null,
    seq: 0,
  };
}

/** Adds `v` once; when full, keeps the first ones (sets that describe breadth: sensors, services, ports). */
export function addFirst<T>(list: T[], v: T, cap: number): boolean {
  if (list.length >= cap || list.includes(v)) return false;
  list.push(v);
  return true;
}

/** Adds `v` once; when full, drops the oldest (recent activity matters more: credentials, commands). */
export function addRecent<T>(list: T[], v: T, cap: number): void {
  const at = list.indexOf(v);
  if (at >= 0) list.splice(at, 1);
  list.push(v);
  if (list.length > cap) list.splice(0, list.length - cap);
}

/** Adds a score deposit at `time` with the given half-life. */
export function addScore(p: Profile, amount: number, time: number, halfLifeMs: number): void {
  if (amount > 0) p.score = deposit(p.score, amount, time, halfLifeMs);
}

/** Marks the sighting of one event on a profile (times, count). */
export function touch(p: Profile, time: number): void {
  if (time < p.firstSeen) p.firstSeen = time;
  if (time > p.lastSeen) p.lastSeen = time;
  p.events++;
}

/**
 * Counts `src` as a member of an aggregate. A key quiet for longer than `windowMs` starts a new wave, so a
 * campaign is sources sharing behaviour within the window, not over all time.
 */
export function addSource(p: Profile, src: string, time: number, windowMs: number): boolean {
  if (time - p.lastSeen > windowMs && p.sourceCount > 0) {
    p.sources = [];
    p.sourceCount = 0;
    p.waveStart = time;
  }
  // Membership through a set kept beside the list (not persisted): `includes` over a full sample of 1,000
  // members on every event of a busy aggregate was a visible share of ingest.
  let index = sourceIndex.get(p);
  if (!index || index.list !== p.sources) sourceIndex.set(p, (index = { list: p.sources, set: new Set(p.sources) }));
  if (index.set.has(src)) return false;
  // Past the sample cap, new members are counted but not listed; a returning member beyond the sample may be
  // counted twice, which only makes a very large campaign look slightly larger.
  if (p.sources.length < PROFILE_BOUNDS.sources) {
    p.sources.push(src);
    index.set.add(src);
  }
  p.sourceCount++;
  return true;
}

/** Per profile: its `sources` list as a set, rebuilt whenever the list is replaced (a new wave, a reload). */
const sourceIndex = new WeakMap<Profile, { list: string[]; set: Set<string> }>();

/** The persisted form of the lists and counters (the `body` column). */
export type ProfileBody = Pick<Profile, 'counts' | 'sensors' | 'services' | 'ports' | 'credentials' | 'commands' | 'uploads' | 'tags' | 'sources' | 'sourceCount' | 'waveStart' | 'rdns' | 'geo' | 'campaign'>;

export function profileBody(p: Profile): ProfileBody {
  return {
    counts: p.counts,
    sensors: p.sensors,
    services: p.services,
    ports: p.ports,
    credentials: p.credentials,
    commands: p.commands,
    uploads: p.uploads,
    tags: p.tags,
    sources: p.sources.length > STORED_SOURCES ? p.sources.slice(0, STORED_SOURCES) : p.sources,
    sourceCount: p.sourceCount,
    waveStart: p.waveStart,
    rdns: p.rdns,
    geo: p.geo,
    campaign: p.campaign,
  };
}

/** A profile row as read back: what was written, less the rank (derived from the score). */
export type StoredProfile = Omit<ProfileWrite, 'rank' | 'seq'> & { seq?: number | null };

export function profileFromRow(r: StoredProfile): Profile {
  const b = JSON.parse(r.body) as Partial<ProfileBody>;
  const p = newProfile(r.kind as ProfileKind, r.key, Number(r.first_seen));
  p.lastSeen = Number(r.last_seen);
  p.score = { value: Number(r.score), at: Number(r.score_at) };
  p.events = Number(r.events);
  p.deviceId = r.device_id === null ? null : Number(r.device_id);
  p.seq = Number(r.seq ?? 0);
  if (b.counts) p.counts = { ...p.counts, ...b.counts };
  p.sensors = b.sensors ?? [];
  p.services = b.services ?? [];
  p.ports = b.ports ?? [];
  p.credentials = b.credentials ?? [];
  p.commands = b.commands ?? [];
  p.uploads = b.uploads ?? [];
  p.tags = b.tags ?? [];
  p.sources = b.sources ?? [];
  p.sourceCount = b.sourceCount ?? 0;
  p.waveStart = b.waveStart ?? p.firstSeen;
  p.rdns = b.rdns ?? null;
  p.geo = b.geo ?? null;
  p.campaign = b.campaign ?? null;
  return p;
}
