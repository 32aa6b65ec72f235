import { nftTableScript } from '../enforce/nft-script.js';
import type { BlocklistFormat } from './blocklist-format.js';

/** An `nft -f` script that (re)creates the ban table with every element and its remaining time. */
export const nftFormat = {
  name: 'nft',
  contentType: 'text/plain; charset=utf-8',
  description: 'nftables script (nft -f): table, IPv4/IPv6 interval sets with per-element timeouts, drop rules',
  render: (entries, ctx) =>
    nftTableScript(ctx.nft, entries, ctx.now, [`LNMT blocklist from ${ctx.node}: ${entries.length} entries, ${new Date(ctx.now).toISOString()}, cursor ${ctx.cursor}`, `Load: nft -f FILE; remove: nft delete table inet ${ctx.nft.table}`]),
} satisfies BlocklistFormat;
