import type { CampaignPayload } from '../core/events.js';
import { uuidv7 } from '../core/ids.js';
import type { ThreatConfig } from '../core/config/sections/threat.js';
import type { CampaignWrite } from '../store/repositories/campaign-repo.js';
import { shownScore } from './decay.js';
import { STORED_SOURCES, type Profile, type ProfileKind } from './profile.js';

/** Which aggregates can become campaigns, and the campaign kind each one is. */
export const CAMPAIGN_KINDS: Partial<Record<ProfileKind, CampaignPayload['kind']>> = { cred: 'credentials', command: 'commands', upload: 'uploads', timing: 'timing' };

/** Members listed in an event (the table keeps up to the profile's sample). */
const EVENT_SOURCES = 50;

/** What gaining a member did to an aggregate that is a campaign (`null` type: it grew, below a threshold). */
export type CampaignChange = { type: 'campaign.detected' | 'campaign.updated' | null };

/**
 * Decides, after an aggregate gained a member, whether it is (still) a campaign: enough distinct sources in the
 * current wave (and, for timing, more than one sensor — many new sources in the same minute on one sensor is
 * just the internet). The first crossing emits `campaign.detected`; growth by `growthFactor` in members or
 * sensors since the last report emits `campaign.updated`. Returns null when the aggregate is no campaign.
 */
export function considerCampaign(agg: Profile, cfg: ThreatConfig['campaigns'], ignoredCredentials: ReadonlySet<string>, now: number): CampaignChange | null {
  const kind = CAMPAIGN_KINDS[agg.kind];
  if (!kind || !cfg.enabled) return null;
  if (agg.kind === 'cred' && ignoredCredentials.has(agg.key)) return null;
  if (agg.sourceCount < cfg.minMembers) return null;
  if (kind === 'timing' && agg.sensors.length < 2) return null;
  const sensors = agg.sensors.length;
  if (!agg.campaign || agg.campaign.wave !== agg.waveStart) {
    agg.campaign = { id: uuidv7(now), wave: agg.waveStart, reportedMembers: agg.sourceCount, reportedSensors: sensors };
    return { type: 'campaign.detected' };
  }
  if (agg.sourceCount >= agg.campaign.reportedMembers * cfg.growthFactor || (sensors > agg.campaign.reportedSensors && sensors >= agg.campaign.reportedSensors * cfg.growthFactor)) {
    agg.campaign.reportedMembers = agg.sourceCount;
    agg.campaign.reportedSensors = sensors;
    return { type: 'campaign.updated' };
  }
  return { type: null };
}

function campaignOf(agg: Profile): { kind: CampaignPayload['kind']; mark: NonNullable<Profile['campaign']> } {
  const kind = CAMPAIGN_KINDS[agg.kind];
  if (!kind || !agg.campaign) throw new Error(`profile ${agg.kind}:${agg.key} is not a campaign`);
  return { kind, mark: agg.campaign };
}

/** The `campaign.detected` / `campaign.updated` payload of a campaign aggregate. */
export function campaignPayload(agg: Profile, now: number, halfLifeMs: number): CampaignPayload {
  const { kind, mark } = campaignOf(agg);
  return {
    campaign_id: mark.id,
    kind,
    key: agg.key,
    members: agg.sourceCount,
    sources: agg.sources.slice(0, EVENT_SOURCES),
    sensors: [...agg.sensors],
    first_seen: new Date(agg.waveStart).toISOString(),
    last_seen: new Date(agg.lastSeen).toISOString(),
    score: shownScore(agg.score, now, halfLifeMs),
  };
}

/** The `campaigns` row of a campaign aggregate (written once per batch however many members joined). */
export function campaignRow(agg: Profile, now: number, halfLifeMs: number): CampaignWrite {
  const { kind, mark } = campaignOf(agg);
  return {
    id: mark.id,
    kind,
    key: agg.key,
    members: agg.sourceCount,
    sources: agg.sources.slice(0, STORED_SOURCES),
    sensors: [...agg.sensors],
    first_seen: agg.waveStart,
    last_seen: agg.lastSeen,
    score: shownScore(agg.score, now, halfLifeMs),
    reported_members: mark.reportedMembers,
    reported_sensors: mark.reportedSensors,
    updated_at: now,
  };
}
