import type { Kysely, Transaction } from 'kysely';
import type { LnmtEvent } from '../../core/events.js';
import { ladderChunks } from '../bulk-values.js';
import type { Database } from '../schema.js';
import type { ThreatDetectionRow } from '../tables/threat.js';

type Db = Kysely<Database> | Transaction<Database>;

/** `threat.detected` events: the detections list and the outbox they are published from after commit. */
export class ThreatDetectionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(events: ReadonlyArray<LnmtEvent<'threat.detected'>>, db: Db = this.db): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((e) => ({ id: e.id, time: Date.parse(e.time), rule: e.data.rule, rule_type: e.data.rule_type, severity: e.data.severity, src_ip: e.data.src_ip, score: e.data.score, body: JSON.stringify(e), published: 0 }));
    for (const chunk of ladderChunks(rows, 500)) await db.insertInto('threat_detections').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute();
  }

  /** Detections committed but not yet accepted by the bus (a crash between the two), oldest first. */
  async unpublished(limit = 10_000): Promise<Array<LnmtEvent<'threat.detected'>>> {
    const rows = await this.db.selectFrom('threat_detections').select('body').where('published', '=', 0).orderBy('time').limit(limit).execute();
    return rows.map((r) => JSON.parse(r.body) as LnmtEvent<'threat.detected'>);
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    for (const chunk of ladderChunks(ids, 500)) await this.db.updateTable('threat_detections').set({ published: 1 }).where('id', 'in', chunk).execute();
  }

  async bySource(ip: string, limit: number): Promise<ThreatDetectionRow[]> {
    return this.db.selectFrom('threat_detections').selectAll().where('src_ip', '=', ip).orderBy('time', 'desc').limit(limit).execute();
  }

  async recent(limit: number): Promise<ThreatDetectionRow[]> {
    return this.db.selectFrom('threat_detections').selectAll().orderBy('time', 'desc').limit(limit).execute();
  }
}
