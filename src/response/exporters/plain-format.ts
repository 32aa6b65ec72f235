import type { BlocklistFormat } from './blocklist-format.js';

/** One address or CIDR per line, nothing else: what every firewall's "URL table" feature reads. */
export const plainFormat = {
  name: 'plain',
  contentType: 'text/plain; charset=utf-8',
  description: 'one IP or CIDR per line',
  render: (entries) => entries.map((e) => `${e.target}\n`).join(''),
} satisfies BlocklistFormat;
