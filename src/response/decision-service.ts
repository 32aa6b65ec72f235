import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { EventBus } from '../core/bus/event-bus.js';
import { LnmtError } from '../core/errors.js';
import { makeEvent, type AnyEvent, type LnmtEvent } from '../core/events.js';
import { uuidv7 } from '../core/ids.js';
import { DecisionChangeRepo } from '../store/repositories/decision-change-repo.js';
import { DecisionRepo } from '../store/repositories/decision-repo.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { DecisionRow } from '../store/tables/decisions.js';
import { Allowlist, configEntries, ownNetworkEntries, scanTargetEntries, type AllowEntry } from './allowlist.js';
import type { Decision, DecisionAction, DecisionOrigin, RemovalReason } from './decision.js';
import { escalatedDuration } from './escalation.js';
import { matchPolicy } from './policy.js';
import type { ResponseSettings } from './response-settings.js';
import { MIN_PREFIX, parseTarget, TARGET_ALLOWED } from './target.js';

/** A request for a decision. */
export interface DecisionInput {
  target: string;
  action: DecisionAction;
  /** Milliseconds; null = permanent; undefined = `response.defaultDuration`, escalated for repeat offenders. */
  durationMs?: number | null | undefined;
  /** Without `durationMs`: the base that escalation grows (a policy entry's duration); default `response.defaultDuration`. */
  baseDurationMs?: number | undefined;
  reason?: string | undefined;
  origin: DecisionOrigin;
  rule?: string | null | undefined;
}

/** Names of the inputs in errors (`body.target`, `<ip|cidr>`). */
export interface InputNames {
  target: string;
}

export interface AddResult {
  decision: Decision;
  /** False when an equal or longer decision on the target was already in force (it is returned instead). */
  created: boolean;
  /** Set when a rule's ban hit the allowlist and became a tag. */
  allowlisted?: AllowEntry;
}

export interface DecisionServiceOptions {
  store: Store;
  bus: EventBus;
  settings: ResponseSettings;
  sensor: string;
  logger: Logger;
  now?: () => number;
  /** This host's interfaces (tests pass their own). */
  ownNetworks?: () => AllowEntry[];
}

/** How long the computed allowlist (scan jobs, interfaces) is reused before it is read again. */
const ALLOWLIST_TTL_MS = 60_000;
const SWEEP_CHUNK = 1000;

/**
 * Decisions: add (by hand, through the API, or from a detection under `response.policy`), remove, list, and the
 * expiry sweep. Every write is one transaction that also appends to the change log (the blocklist cursor) and,
 * after it commits, publishes `decision.added` / `decision.removed`.
 */
export class DecisionService {
  readonly repo: DecisionRepo;
  readonly changes: DecisionChangeRepo;
  private readonly now: () => number;
  private allow: { list: Allowlist; at: number } | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly o: DecisionServiceOptions) {
    this.repo = new DecisionRepo(o.store.db);
    this.changes = new DecisionChangeRepo(o.store.db);
    this.now = o.now ?? Date.now;
  }

  get settings(): ResponseSettings {
    return this.o.settings;
  }

  /** Called after every committed change (the enforcer applies it without waiting for its poll). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The allowlist now: config entries, own networks, scan-job targets (cached a minute). */
  async allowlist(): Promise<Allowlist> {
    const now = this.now();
    if (this.allow && now - this.allow.at < ALLOWLIST_TTL_MS) return this.allow.list;
    const s = this.o.settings;
    const entries = configEntries(s.allowlist);
    if (s.allowlistOwnNetworks) entries.push(...(this.o.ownNetworks ?? ownNetworkEntries)());
    if (s.allowlistScanTargets) {
      const jobs = await this.o.store.db.selectFrom('jobs').select(['name', 'params']).where('type', '=', 'scan').execute();
      entries.push(...scanTargetEntries(jobs));
    }
    const list = new Allowlist(entries);
    this.allow = { list, at: now };
    return list;
  }

  async add(input: DecisionInput, names: InputNames = { target: 'target' }): Promise<AddResult> {
    const t = parseTarget(input.target);
    if (!t) throw new LnmtError('LNMT_ERR_VALIDATION', `${names.target}: not an IP address or CIDR`, { details: [{ where: names.target, value: input.target, message: 'not an IP address or CIDR', allowed: TARGET_ALLOWED }] });
    if (t.prefix < MIN_PREFIX[t.family]) {
      throw new LnmtError('LNMT_ERR_VALIDATION', `${names.target}: network too wide to decide on`, {
        details: [{ where: names.target, value: input.target, message: 'network too wide', allowed: `IPv4 prefixes /${MIN_PREFIX[4]} or longer, IPv6 /${MIN_PREFIX[6]} or longer` }],
      });
    }
    let action = input.action;
    let reason = input.reason?.trim() || (input.origin === 'rule' ? `rule ${input.rule ?? '?'}` : 'manual');
    let allowlisted: AllowEntry | undefined;
    if (action === 'ban') {
      const hit = (await this.allowlist()).match(t);
      if (hit) {
        if (input.origin !== 'rule') {
          throw new LnmtError('LNMT_ERR_CONFLICT', `${t.target} is on the allowlist (${hit.source}: ${hit.target}) and can never be banned`, {
            details: [{ where: names.target, value: input.target, message: `overlaps allowlist entry ${hit.target} (${hit.source})`, allowed: 'an address or network outside the allowlist (response.allowlist, own networks, scan targets); a tag is allowed' }],
          });
        }
        // A detection on one of our own ranges is still worth recording (an internal host touched a honeypot): tag it.
        action = 'tag';
        reason = `${reason} (allowlisted by ${hit.source}: not banned)`;
        allowlisted = hit;
      }
    }

    const s = this.o.settings;
    const now = this.now();
    const explicit = input.durationMs !== undefined;
    const policyDuration = input.durationMs === undefined ? (input.baseDurationMs ?? s.defaultDurationMs) : input.durationMs;

    const result = await this.write(async (trx, removed) => {
      const earlier = action === 'ban' ? await this.repo.countBans(t.target, now - s.escalation.lookbackMs, trx) : 0;
      // An explicit duration is what the operator asked for; defaults grow for repeat offenders.
      const duration = explicit ? policyDuration : escalatedDuration(policyDuration, earlier, s.escalation);
      const expires = duration === null ? null : now + duration;
      const current = (await this.repo.activeOn(t.target, now, trx)).filter((d) => d.action === action);
      const longest = current[0];
      if (longest && current.every((d) => covers(d.expires_at, expires))) return { row: pickLongest(current), created: false };
      if (current.length > 0) {
        const ids = await this.repo.markRemoved(current.map((d) => d.id), 'replaced', now, trx);
        await this.changes.append(current.filter((d) => ids.includes(d.id)).map((d) => ({ time: now, decision_id: d.id, op: 'remove' as const, target: d.target, action: d.action, expires_at: d.expires_at, reason: 'replaced' })), trx);
        for (const d of current) if (ids.includes(d.id)) removed.push({ row: d, reason: 'replaced' });
      }
      const row: DecisionRow = {
        id: uuidv7(now),
        target: t.target,
        family: t.family,
        lo: t.lo,
        hi: t.hi,
        action,
        reason: reason.slice(0, 500),
        origin: input.origin,
        rule: input.rule ?? null,
        escalation: earlier,
        created_at: now,
        expires_at: expires,
        removed_at: null,
        removed_reason: null,
      };
      await this.repo.insertMany([row], trx);
      await this.changes.append([{ time: now, decision_id: row.id, op: 'add', target: row.target, action: row.action, expires_at: row.expires_at, reason: null }], trx);
      return { row, created: true };
    });
    const decision = toDecision(result.value.row);
    if (result.value.created) await this.publish([...result.removed.map((r) => removedEvent(r.row, r.reason, this.o.sensor, now)), addedEvent(decision, this.o.sensor, now)]);
    return { decision, created: result.value.created, ...(allowlisted ? { allowlisted } : {}) };
  }

  /** Removes by id, or every decision in force on a target; throws NOT_FOUND naming `where` when none. */
  async remove(ref: string, where: string): Promise<Decision[]> {
    const now = this.now();
    const t = parseTarget(ref);
    const res = await this.write(async (trx, removed) => {
      const rows = t ? await this.repo.activeOn(t.target, now, trx) : [await this.repo.get(ref, trx)].filter((r): r is DecisionRow => r !== undefined && r.removed_at === null);
      const ids = await this.repo.markRemoved(rows.map((r) => r.id), 'manual', now, trx);
      const gone = rows.filter((r) => ids.includes(r.id));
      await this.changes.append(gone.map((d) => ({ time: now, decision_id: d.id, op: 'remove' as const, target: d.target, action: d.action, expires_at: d.expires_at, reason: 'manual' })), trx);
      for (const d of gone) removed.push({ row: d, reason: 'manual' });
      return gone;
    });
    if (res.value.length === 0) {
      throw new LnmtError('LNMT_ERR_NOT_FOUND', `no decision in force for ${ref}`, { details: [{ where, value: ref, message: 'no decision in force with this id or target', allowed: 'a decision id or a banned/tagged address or CIDR (see `lnmt decisions list`)' }] });
    }
    await this.publish(res.removed.map((r) => removedEvent(r.row, r.reason, this.o.sensor, now)));
    return res.value.map((r) => ({ ...toDecision(r), removed_at: now, removed_reason: 'manual' as const }));
  }

  async get(id: string): Promise<Decision | null> {
    const r = await this.repo.get(id);
    return r ? toDecision(r) : null;
  }

  async list(q: { active: boolean; action?: DecisionAction | undefined; target?: string | undefined; limit: number; offset: number }): Promise<{ items: Decision[]; total: number }> {
    const target = q.target === undefined ? undefined : (parseTarget(q.target)?.target ?? q.target);
    const { items, total } = await this.repo.page({ activeAt: q.active ? this.now() : undefined, action: q.action, target, limit: q.limit, offset: q.offset });
    return { items: items.map(toDecision), total };
  }

  /** Removes every decision that expired by now (`decision.removed`, reason `expired`); returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.now();
      const res = await this.write(async (trx, removed) => {
        const rows = await this.repo.expired(now, SWEEP_CHUNK, trx);
        const ids = await this.repo.markRemoved(rows.map((r) => r.id), 'expired', now, trx);
        const gone = rows.filter((r) => ids.includes(r.id));
        await this.changes.append(gone.map((d) => ({ time: now, decision_id: d.id, op: 'remove' as const, target: d.target, action: d.action, expires_at: d.expires_at, reason: 'expired' })), trx);
        for (const d of gone) removed.push({ row: d, reason: 'expired' });
        return rows.length;
      });
      total += res.removed.length;
      await this.publish(res.removed.map((r) => removedEvent(r.row, r.reason, this.o.sensor, now)));
      if (res.value < SWEEP_CHUNK) return total;
    }
  }

  /** Drops change-log entries older than `response.changeLogDays`. */
  pruneChangeLog(): Promise<number> {
    return this.changes.prune(this.now() - this.o.settings.changeLogDays * 86_400_000);
  }

  /** The `threat.detected` handler: each detection the policy maps to an action becomes a decision. */
  async fromThreats(events: readonly AnyEvent[]): Promise<number> {
    let made = 0;
    for (const ev of events) {
      if (ev.type !== 'threat.detected') continue;
      const d = (ev as LnmtEvent<'threat.detected'>).data;
      const p = matchPolicy(this.o.settings.policy, d);
      if (!p || p.action === 'none') continue;
      try {
        const r = await this.add({ target: d.src_ip, action: p.action, baseDurationMs: p.durationMs, reason: `${d.rule} (${d.severity}): ${d.summary}`, origin: 'rule', rule: d.rule }, { target: `threat.detected ${ev.id} src_ip` });
        if (r.created) made++;
      } catch (err) {
        // A detection that cannot become a decision (bad address, too wide) must not block the others.
        this.o.logger.warn({ err, event: ev.id, src_ip: d.src_ip }, 'response: detection not turned into a decision');
      }
    }
    return made;
  }

  /**
   * One write transaction. On PostgreSQL the change log is locked first, so `seq` values commit in order and
   * a `?since=` reader never skips a row that a slower transaction commits later; SQLite serialises writers.
   */
  private async write<T>(fn: (trx: Kysely<Database>, removed: Array<{ row: DecisionRow; reason: RemovalReason }>) => Promise<T>): Promise<{ value: T; removed: Array<{ row: DecisionRow; reason: RemovalReason }> }> {
    const removed: Array<{ row: DecisionRow; reason: RemovalReason }> = [];
    const value = await this.o.store.db.transaction().execute(async (trx) => {
      if (this.o.store.dialect === 'postgres') await sql`LOCK TABLE decision_changes IN EXCLUSIVE MODE`.execute(trx);
      removed.length = 0; // a retried callback starts clean
      return fn(trx, removed);
    });
    return { value, removed };
  }

  private async publish(events: AnyEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const fn of this.listeners) fn();
    await this.o.bus.publish(events);
  }
}

/** Whether an existing expiry lasts at least as long as a new one (null = permanent). */
function covers(existing: number | null, wanted: number | null): boolean {
  if (existing === null) return true;
  if (wanted === null) return false;
  return existing >= wanted;
}

function pickLongest(rows: DecisionRow[]): DecisionRow {
  return rows.reduce((a, b) => (covers(a.expires_at, b.expires_at) ? a : b));
}

export function toDecision(r: DecisionRow): Decision {
  return {
    id: r.id,
    target: r.target,
    family: Number(r.family) as 4 | 6,
    action: r.action,
    reason: r.reason,
    origin: r.origin,
    rule: r.rule,
    escalation: Number(r.escalation),
    created_at: Number(r.created_at),
    expires_at: r.expires_at === null ? null : Number(r.expires_at),
    removed_at: r.removed_at === null ? null : Number(r.removed_at),
    removed_reason: r.removed_reason,
  };
}

function addedEvent(d: Decision, sensor: string, now: number): AnyEvent {
  return makeEvent(
    'decision.added',
    { id: d.id, target: d.target, action: d.action, reason: d.reason, origin: d.origin, ...(d.rule ? { rule: d.rule } : {}), expires_at: d.expires_at === null ? null : new Date(d.expires_at).toISOString(), escalation: d.escalation },
    { sensor, now },
  ) as AnyEvent;
}

function removedEvent(r: DecisionRow, reason: RemovalReason, sensor: string, now: number): AnyEvent {
  return makeEvent('decision.removed', { id: r.id, target: r.target, reason }, { sensor, now }) as AnyEvent;
}
