import { LnmtError } from '../core/errors.js';
import type { DecisionChangeRow } from '../store/tables/decisions.js';
import type { BlocklistEntry } from './decision.js';
import type { DecisionService } from './decision-service.js';
import type { NftTarget } from './enforce/nft-script.js';
import { BLOCKLIST_FORMAT_NAMES, BLOCKLIST_FORMATS } from './exporters/index.js';

export interface BlocklistSnapshot {
  body: string;
  contentType: string;
  etag: string;
  cursor: number;
  count: number;
}

/** One entry of the incremental stream. */
export interface BlocklistChange {
  seq: number;
  op: 'add' | 'remove';
  target: string;
  id: string;
  expires_at: string | null;
  reason: string | null;
}

export interface BlocklistChanges {
  /** Continue from here next time. */
  cursor: string;
  /** The cursor is older than the kept change log: fetch the whole list again. */
  reset: boolean;
  /** More changes wait after this page. */
  more: boolean;
  changes: BlocklistChange[];
}

export interface BlocklistOptions {
  decisions: DecisionService;
  node: string;
  nft: NftTarget;
  now?: () => number;
}

/**
 * The blocklist (bans in force) in every registered format, with a weak ETag (change-log cursor, number of bans
 * in force, format) that is computed from two index lookups, so `If-None-Match` answers 304 without reading
 * the list; and the incremental stream of changes since a cursor.
 */
export class BlocklistService {
  private readonly now: () => number;

  constructor(private readonly o: BlocklistOptions) {
    this.now = o.now ?? Date.now;
  }

  format(name: string, where: string) {
    const f = BLOCKLIST_FORMATS[name];
    if (!f) throw new LnmtError('LNMT_ERR_VALIDATION', `${where}: unknown blocklist format`, { details: [{ where, value: name, message: 'unknown format', allowed: `one of ${BLOCKLIST_FORMAT_NAMES.join(', ')}` }] });
    return f;
  }

  /** The ETag the list would have now. Expiry changes the count, so an expired-but-unswept ban changes it too. */
  async etag(format: string): Promise<{ etag: string; cursor: number }> {
    const now = this.now();
    const [{ last }, count] = await Promise.all([this.o.decisions.changes.bounds(), this.o.decisions.repo.countActive('ban', now)]);
    return { etag: `W/"${last}.${count}.${format}"`, cursor: last };
  }

  async entries(): Promise<BlocklistEntry[]> {
    const rows = await this.o.decisions.repo.active('ban', this.now());
    return rows.map((r) => ({ id: r.id, target: r.target, family: Number(r.family) as 4 | 6, reason: r.reason, origin: r.origin, rule: r.rule, created_at: Number(r.created_at), expires_at: r.expires_at === null ? null : Number(r.expires_at) }));
  }

  async snapshot(formatName: string, where = 'format'): Promise<BlocklistSnapshot> {
    const f = this.format(formatName, where);
    // The cursor is read before the rows: a change in between makes the next ETag differ, never hides a change.
    const { cursor } = await this.etag(formatName);
    const entries = await this.entries();
    const now = this.now();
    const body = f.render(entries, { now, node: this.o.node, cursor, nft: this.o.nft });
    return { body, contentType: f.contentType, etag: `W/"${cursor}.${entries.length}.${formatName}"`, cursor, count: entries.length };
  }

  /** Ban additions and removals after `since` (tags are not on the blocklist). */
  async changes(since: number, limit: number): Promise<BlocklistChanges> {
    const { first, last } = await this.o.decisions.changes.bounds();
    // Entries up to `first - 1` were pruned: a cursor before that has missed some of them.
    if (since > last || (first !== null && since < first - 1)) return { cursor: String(last), reset: true, more: false, changes: [] };
    const rows = await this.o.decisions.changes.since(since, limit + 1);
    const page = rows.slice(0, limit);
    const cursor = page.length > 0 ? Number(page[page.length - 1]!.seq) : since;
    return { cursor: String(cursor), reset: false, more: rows.length > limit, changes: page.filter((r) => r.action === 'ban').map(changeView) };
  }
}

function changeView(r: DecisionChangeRow): BlocklistChange {
  return { seq: Number(r.seq), op: r.op, target: r.target, id: r.decision_id, expires_at: r.expires_at === null ? null : new Date(Number(r.expires_at)).toISOString(), reason: r.reason };
}

/** The incremental stream as text: `+target` / `-target` lines after a `# cursor N` line. */
export function changesText(c: BlocklistChanges): string {
  const head = [`# cursor ${c.cursor}${c.reset ? ' reset' : ''}${c.more ? ' more' : ''}`];
  return `${[...head, ...c.changes.map((x) => `${x.op === 'add' ? '+' : '-'}${x.target}`)].join('\n')}\n`;
}
