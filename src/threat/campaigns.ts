import type { CampaignPayload } from '../core/events.js';
import { uuidv7 } from '../core/ids.js';
import type { ThreatConfig } from '../core/config/sections/threat.js';
import type { CampaignWrite } from '../store/repositories/campaign-repo.js';
import { decayed } from './decay.js';
import type { Profile, ProfileKind } from './profile.js';

/** Which aggregates can become campaigns, and the campaign kind each one is. */
export const CAMPAIGN_KINDS: Partial<Record<ProfileKind, CampaignPayload['kind']>> = { cred: 'credentials', command: 'commands', upload: 'uploads', timing: 'timing' };

/** Members listed in an event (the table keeps up to the profile's sample). */
const EVENT_SOURCES = 50;

export interface CampaignChange {
  /** null: the row changed (members, last seen) but nothing crossed a threshold. */
  type: 'campaign.detected' | 'campaign.updated' | null;
  payload: CampaignPayload;
  row: CampaignWrite;
}

/**
 * Decides, after an aggregate gained a member, whether it is (still) a campaign: enough distinct sources in the
 * current wave (and, for timing, more than one sensor — many new sources in the same minute on one sensor is
 * just the internet). The first crossing emits `campaign.detected`; growth by `growthFactor` in members or
 * sensors since the last report emits `campaign.updated`.
 */
export function considerCampaign(agg: Profile, cfg: ThreatConfig['campaigns'], ignoredCredentials: ReadonlySet<string>, now: number, halfLifeMs: number): CampaignChange | null {
  const kind = CAMPAIGN_KINDS[agg.kind];
  if (!kind || !cfg.enabled) return null;
  if (agg.kind === 'cred' && ignoredCredentials.has(agg.key)) return null;
  if (agg.sourceCount < cfg.minMembers) return null;
  if (kind === 'timing' && agg.sensors.length < 2) return null;
  let type: CampaignChange['type'] = null;
  const sensors = agg.sensors.length;
  if (!agg.campaign || agg.campaign.wave !== agg.waveStart) {
    agg.campaign = { id: uuidv7(now), wave: agg.waveStart, reportedMembers: agg.sourceCount, reportedSensors: sensors };
    type = 'campaign.detected';
  } else if (agg.sourceCount >= agg.campaign.reportedMembers * cfg.growthFactor || (sensors > agg.campaign.reportedSensors && sensors >= agg.campaign.reportedSensors * cfg.growthFactor)) {
    agg.campaign.reportedMembers = agg.sourceCount;
    agg.campaign.reportedSensors = sensors;
    type = 'campaign.updated';
  }
  const score = Math.round(decayed(agg.score, now, halfLifeMs) * 100) / 100;
  const payload: CampaignPayload = {
    campaign_id: agg.campaign.id,
    kind,
    key: agg.key,
    members: agg.sourceCount,
    sources: agg.sources.slice(0, EVENT_SOURCES),
    sensors: [...agg.sensors],
    first_seen: new Date(agg.waveStart).toISOString(),
    last_seen: new Date(agg.lastSeen).toISOString(),
    score,
  };
  const row: CampaignWrite = {
    id: agg.campaign.id,
    kind,
    key: agg.key,
    members: agg.sourceCount,
    sources: [...agg.sources],
    sensors: [...agg.sensors],
    first_seen: agg.waveStart,
    last_seen: agg.lastSeen,
    score,
    reported_members: agg.campaign.reportedMembers,
    reported_sensors: agg.campaign.reportedSensors,
    updated_at: now,
  };
  return { type, payload, row };
}
