import { bodyText, headline, truncate, type Alert, type Severity } from '../alert.js';
import type { ChannelType } from '../channel-type.js';
import { SettingsCheck } from '../settings-check.js';
import { postJson } from './http-post.js';

export interface DiscordSettings {
  url: string;
}

/** Discord's documented limits for a webhook message and its embeds. */
export const DISCORD_LIMITS = { content: 2000, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, embedTotal: 6000 } as const;

const COLORS: Record<Severity, number> = { info: 0x3498db, notice: 0x2ecc71, warning: 0xf1c40f, critical: 0xe74c3c };

/** Markdown characters in names we do not control (hostnames, check names) are shown literally. */
export function discordEscape(s: string): string {
  return s.replace(/([\\*_~`|>#[\]()-])/g, '\\$1');
}

/**
 * `content` (one line, the notification text) plus one embed. Every part is cut to its limit and the embed's
 * total to 6,000 characters: title, footer and description first, then as many fields as still fit. `allowed_mentions` is empty: text
 * from the network (a hostname like `@everyone`) must never ping anyone.
 */
export function discordPayload(alert: Alert): Record<string, unknown> {
  const L = DISCORD_LIMITS;
  const title = truncate(headline(alert), L.title);
  const footer = truncate(['lnmt', alert.rule, alert.event ? alert.event.sensor : null].filter((x) => x !== null).join(' · '), L.footer);
  let budget = L.embedTotal - len(title) - len(footer);
  const description = truncate(bodyText(alert), Math.min(L.description, budget));
  budget -= len(description);
  // Fields after the description, while they fit: the text matters more than the facts repeated in it.
  const fields: Array<{ name: string; value: string; inline: boolean }> = [];
  for (const [k, v] of Object.entries(alert.fields).slice(0, L.fields)) {
    const f = { name: truncate(k, L.fieldName), value: truncate(v === '' ? '-' : v, L.fieldValue), inline: true };
    const size = len(f.name) + len(f.value);
    if (size > budget) break;
    budget -= size;
    fields.push(f);
  }
  const embed: Record<string, unknown> = { title, description, color: COLORS[alert.severity], timestamp: alert.time, footer: { text: footer } };
  if (fields.length > 0) embed.fields = fields;
  return {
    content: truncate(`**[${alert.severity.toUpperCase()}]** ${discordEscape(headline(alert))}`, L.content),
    embeds: [embed],
    allowed_mentions: { parse: [] },
  };
}

function len(s: string): number {
  return [...s].length;
}

/** Discord webhook (and compatible receivers). The URL is the secret. */
export const discordChannel = {
  type: 'discord',
  description: 'Discord-compatible webhook (content + one embed, within Discord length limits)',
  secretFields: ['url'],
  validate(settings) {
    const c = new SettingsCheck(settings, 'discord');
    const url = c.url('url', { secret: true });
    c.done();
    return { url: url! };
  },
  create(s, deps) {
    return {
      send: (alert, signal) => postJson(s.url, JSON.stringify(discordPayload(alert)), {}, deps, signal),
      async close() {},
    };
  },
} satisfies ChannelType<DiscordSettings>;
