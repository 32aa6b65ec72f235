import type { ChannelType } from '../channel-type.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { logChannel } from './log.js';
import { slackChannel } from './slack.js';
import { syslogChannel } from './syslog.js';
import { webhookChannel } from './webhook.js';

/** The notifier registry: one module per channel type. A new type is one file, added here. */
export const CHANNEL_TYPES: Readonly<Record<string, ChannelType<any>>> = {
  webhook: webhookChannel,
  slack: slackChannel,
  discord: discordChannel,
  email: emailChannel,
  syslog: syslogChannel,
  log: logChannel,
};

export const CHANNEL_TYPE_NAMES = Object.keys(CHANNEL_TYPES);
