import type { Logger } from 'pino';
import type { BlocklistEntry } from '../decision.js';
import type { DecisionService } from '../decision-service.js';
import { nftChangeScript, nftTableScript, removableIncrementally, type NftTarget } from './nft-script.js';
import type { NftRunner } from './nft-runner.js';

export interface NftEnforcerOptions {
  decisions: DecisionService;
  runner: NftRunner;
  target: NftTarget;
  pollIntervalMs: number;
  logger: Logger;
  now?: () => number;
  /** Full reload this often anyway (default 1 h): repairs anything done to the set by hand. */
  refreshMs?: number;
}

/** Changes read per poll; more wait for the next (each poll is one nft transaction). */
const PAGE = 50_000;

/**
 * Keeps an nftables set equal to the bans in force. On start it loads the whole table in one transaction
 * (reconcile); then it follows the store's change log — so decisions made by any process (CLI, API, another hub)
 * arrive — and applies each batch of changes as one transaction. Kernel timeouts remove expired elements on
 * time even between polls. When an incremental change cannot apply (an overlap with a banned network, a set
 * changed by hand), it reloads the table.
 */
export class NftEnforcer {
  readonly name = 'response-enforcer';
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private lastFull = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly now: () => number;
  /** Counters for health and tests. */
  readonly stats = { reconciles: 0, incremental: 0, failures: 0, elements: 0 };

  constructor(private readonly o: NftEnforcerOptions) {
    this.now = o.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => void this.tick(), this.o.pollIntervalMs);
    this.timer.unref();
    this.unsubscribe = this.o.decisions.onChange(() => setImmediate(() => void this.tick()));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.running;
  }

  /** Loads the whole table: the set becomes exactly the bans in force. */
  reconcile(): Promise<void> {
    return this.serial(() => this.reconcileNow());
  }

  /** Applies the changes logged since the last one (also runs on every poll). */
  tick(): Promise<void> {
    return this.serial(async () => {
      try {
        await this.applyChanges();
      } catch (err) {
        this.stats.failures++;
        this.o.logger.error({ err }, 'response: applying decisions to nftables failed');
      }
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.running.then(fn, fn);
    this.running = next.catch(() => {});
    return next;
  }

  private async reconcileNow(): Promise<void> {
    const { last } = await this.o.decisions.changes.bounds();
    const entries = await this.blocklist();
    const now = this.now();
    await this.o.runner.run(nftTableScript(this.o.target, entries, now));
    this.cursor = last;
    this.lastFull = now;
    this.stats.reconciles++;
    this.stats.elements = entries.length;
  }

  private async applyChanges(): Promise<void> {
    if (this.now() - this.lastFull >= (this.o.refreshMs ?? 3_600_000)) return this.reconcileNow();
    const { first, last } = await this.o.decisions.changes.bounds();
    if (last === this.cursor) return;
    if (last < this.cursor || (first !== null && this.cursor < first - 1)) return this.reconcileNow();
    const raw = await this.o.decisions.changes.since(this.cursor, PAGE);
    const upto = raw.length > 0 ? Number(raw[raw.length - 1]!.seq) : this.cursor;
    const rows = raw.filter((r) => r.action === 'ban');
    const now = this.now();
    const entry = (r: (typeof rows)[number]): BlocklistEntry => ({ id: r.decision_id, target: r.target, family: r.target.includes(':') ? 6 : 4, reason: '', origin: 'manual', rule: null, created_at: Number(r.time), expires_at: r.expires_at === null ? null : Number(r.expires_at) });
    // The last change of a target wins within one batch (added then removed = removed).
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) latest.set(r.target, r);
    const adds: BlocklistEntry[] = [];
    const removes: BlocklistEntry[] = [];
    for (const r of latest.values()) (r.op === 'add' ? adds : removes).push(entry(r));
    if (removes.some((e) => !removableIncrementally(e))) return this.reconcileNow();
    if (adds.length + removes.length > 0) {
      try {
        await this.o.runner.run(nftChangeScript(this.o.target, adds, removes, now));
        this.stats.incremental++;
      } catch (err) {
        this.o.logger.warn({ err: (err as Error).message }, 'response: incremental nftables update refused; reloading the table');
        return this.reconcileNow();
      }
    }
    this.cursor = upto;
  }

  private blocklist(): Promise<BlocklistEntry[]> {
    return this.o.decisions.repo.active('ban', this.now()).then((rows) =>
      rows.map((r) => ({ id: r.id, target: r.target, family: Number(r.family) as 4 | 6, reason: r.reason, origin: r.origin, rule: r.rule, created_at: Number(r.created_at), expires_at: r.expires_at === null ? null : Number(r.expires_at) })),
    );
  }
}
