import { bodyText, headline, truncate, type Alert } from '../alert.js';
import type { ChannelType } from '../channel-type.js';
import { SettingsCheck } from '../settings-check.js';
import { postJson } from './http-post.js';

export interface SlackSettings {
  url: string;
}

/** Block Kit limits: header text 150 characters, section text 3,000, section fields 10 of 2,000 each. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELDS_MAX = 10;
const FIELD_MAX = 2000;

/** Slack mrkdwn needs only `&`, `<` and `>` escaped; everything else shows as typed. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` (the notification and fallback line) plus blocks: header, body, fields, context line. */
export function slackPayload(alert: Alert): Record<string, unknown> {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline(alert), HEADER_MAX) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(slackEscape(bodyText(alert)), SECTION_MAX) } },
  ];
  const fields = Object.entries(alert.fields).slice(0, FIELDS_MAX);
  if (fields.length > 0) {
    blocks.push({ type: 'section', fields: fields.map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${slackEscape(k)}*\n${slackEscape(v)}`, FIELD_MAX) })) });
  }
  const context = [alert.severity, alert.rule, alert.event ? `sensor ${alert.event.sensor}` : null, alert.time].filter((x) => x !== null).join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(context) }] });
  return { text: truncate(`[${alert.severity}] ${headline(alert)}`, SECTION_MAX), blocks };
}

/** Slack incoming webhook (and compatible receivers: Mattermost, Rocket.Chat). The URL is the secret. */
export const slackChannel = {
  type: 'slack',
  description: 'Slack-compatible incoming webhook (text + Block Kit blocks)',
  secretFields: ['url'],
  validate(settings) {
    const c = new SettingsCheck(settings, 'slack');
    const url = c.url('url', { secret: true });
    c.done();
    return { url: url! };
  },
  create(s, deps) {
    return {
      send: (alert, signal) => postJson(s.url, JSON.stringify(slackPayload(alert)), {}, deps, signal),
      async close() {},
    };
  },
} satisfies ChannelType<SlackSettings>;
