import type { AnyEvent, CampaignPayload } from '../core/events.js';
import type { Clock } from '../scheduler/clock.js';
import type { AttackerSort } from '../store/repositories/threat-profile-repo.js';
import type { Store } from '../store/store.js';
import type { CampaignRow, ThreatDetectionRow } from '../store/tables/threat.js';
import { rankFloor, shownScore } from './decay.js';
import type { DeviceIndex, InternalDevice } from './device-index.js';
import type { PipelineRepos } from './pipeline.js';
import { profileFromRow, type Profile, type ProfileCounts, type ProfileKind } from './profile.js';

/** An attacker as lists show it: the score is the decayed score at the time of the query. */
export interface AttackerSummary {
  ip: string;
  score: number;
  first_seen: string;
  last_seen: string;
  events: number;
  sensors: string[];
  services: string[];
  ports: number;
  counts: ProfileCounts;
  tags: string[];
  internal: boolean;
  rdns: string | null;
}

export interface AttackerDetail extends AttackerSummary {
  port_list: number[];
  credentials: string[];
  commands: string[];
  uploads: string[];
  geo: { country?: string; asn?: number; org?: string } | null;
  device: InternalDevice | null;
  network: { key: string; sources: number; score: number } | null;
}

/** A campaign as the API and CLI show it: the event's fields, keyed by `id`. */
export type CampaignView = Omit<CampaignPayload, 'campaign_id' | 'kind'> & { id: string; kind: string };

export interface AttackerListQuery {
  sort: AttackerSort;
  limit: number;
  offset: number;
  minScore?: number | undefined;
  since?: number | undefined;
  internal?: boolean | undefined;
  prefix?: string | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The read side of threat detection, for the API and the CLI (works without the pipeline running). */
export class ThreatQueries {
  constructor(
    private readonly deps: {
      repos: PipelineRepos;
      store: Store;
      halfLifeMs: number;
      clock: Clock;
      devices: DeviceIndex;
      /** The running pipeline's copy of a profile, newer than the store's while written behind. */
      live?: (kind: ProfileKind, key: string) => Profile | undefined;
    },
  ) {}

  /** A profile as of now: the pipeline's copy when it holds one, else the stored row. */
  private async profile(kind: ProfileKind, key: string): Promise<Profile | null> {
    const live = this.deps.live?.(kind, key);
    if (live) return live;
    const row = await this.deps.repos.profiles.get(kind, key);
    return row ? profileFromRow(row) : null;
  }

  private summary(p: Profile, now: number): AttackerSummary {
    return {
      ip: p.key,
      score: shownScore(p.score, now, this.deps.halfLifeMs),
      first_seen: iso(p.firstSeen),
      last_seen: iso(p.lastSeen),
      events: p.events,
      sensors: p.sensors,
      services: p.services,
      ports: p.ports.length,
      counts: p.counts,
      tags: p.tags,
      internal: p.deviceId !== null,
      rdns: p.rdns,
    };
  }

  async attackers(q: AttackerListQuery): Promise<{ items: AttackerSummary[]; more: boolean }> {
    const now = this.deps.clock.now();
    const minRank = q.minScore !== undefined ? rankFloor(q.minScore, now, this.deps.halfLifeMs) : undefined;
    const { rows, more } = await this.deps.repos.profiles.list({ kind: 'ip', sort: q.sort, limit: q.limit, offset: q.offset, minRank, since: q.since, internal: q.internal, prefix: q.prefix });
    return { items: rows.map((r) => this.summary(profileFromRow(r), now)), more };
  }

  /** One attacker: profile, its detections, and its latest events (the timeline, oldest first). */
  async attacker(ip: string, opts: { events: number; detections: number }): Promise<{ attacker: AttackerDetail; detections: ThreatDetectionRow[]; timeline: AnyEvent[] } | null> {
    const p = await this.profile('ip', ip);
    if (!p) return null;
    const now = this.deps.clock.now();
    await this.deps.devices.refreshIfStale();
    const { networkOf } = await import('./fingerprints.js');
    const net = await this.profile('net', networkOf(ip));
    const attacker: AttackerDetail = {
      ...this.summary(p, now),
      port_list: p.ports,
      credentials: p.credentials,
      commands: p.commands,
      uploads: p.uploads,
      geo: p.geo,
      device: p.deviceId !== null ? (this.deps.devices.get(ip) ?? null) : null,
      network: net ? { key: net.key, sources: net.sourceCount, score: shownScore(net.score, now, this.deps.halfLifeMs) } : null,
    };
    const detections = await this.deps.repos.detections.bySource(ip, opts.detections);
    const rows = await this.deps.store.db.selectFrom('events').select('body').where('src_ip', '=', ip).orderBy('time', 'desc').orderBy('id', 'desc').limit(opts.events).execute();
    const timeline = rows.map((r) => JSON.parse(r.body) as AnyEvent).reverse();
    return { attacker, detections, timeline };
  }

  async campaigns(q: { kind?: string | undefined; since?: number | undefined; sort: 'score' | 'last_seen' | 'members'; limit: number; offset: number }): Promise<{ items: CampaignView[]; total: number }> {
    const { rows, total } = await this.deps.repos.campaigns.list(q);
    return { items: rows.map(campaignView), total };
  }
}

export function campaignView(r: CampaignRow): CampaignView {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    members: Number(r.members),
    sources: JSON.parse(r.sources) as string[],
    sensors: JSON.parse(r.sensors) as string[],
    first_seen: iso(Number(r.first_seen)),
    last_seen: iso(Number(r.last_seen)),
    score: Number(r.score),
  };
}
