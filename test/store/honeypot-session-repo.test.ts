/**
 * Honeypot session rows folded from their events, batch by batch: counts add up across batches, the last attempt's
 * credentials win, a success is never undone by a later failure, a repeated connect changes nothing, and events
 * of a session whose connect was lost still make its row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeEvent, type AnyEvent } from '../../src/core/events.js';
import { EventRepo } from '../../src/store/repositories/event-repo.js';
import { HoneypotSessionRepo } from '../../src/store/repositories/honeypot-session-repo.js';
import type { Store } from '../../src/store/store.js';
import { postgresDialect, requirePostgres, sqliteDialect, type Dialect } from '../fixtures/dialects.js';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const ref = (service = 'ssh') => ({ service, src_ip: '198.51.100.9', src_port: 50000, dst_ip: '10.0.0.2', dst_port: 22, protocol: 'tcp' as const });
const ev = <T extends 'honeypot.connect' | 'honeypot.auth' | 'honeypot.command' | 'honeypot.upload' | 'honeypot.close'>(type: T, session: string, at: number, data: object): AnyEvent =>
  makeEvent(type, { ...ref(), ...data } as never, { sensor: 's1', now: T0 + at, session }) as AnyEvent;

for (const mk of [sqliteDialect, postgresDialect] as Array<() => Dialect>) {
const d = mk();
describe(`honeypot session rows on ${d.name}`, () => {
  let store: Store;
  let repo: HoneypotSessionRepo;
  let up = true;
  before(async () => {
    if (d.name === 'postgres') up = await requirePostgres('honeypot session rows');
    if (!up) return;
    store = await d.open();
    repo = new HoneypotSessionRepo(store.db, store.dialect);
  });
  after(() => d.cleanup());

  it('folds a session over several batches, and several sessions in one batch', async (t) => {
    if (!up) return t.skip('PostgreSQL not reachable');
    const auth = (s: string, at: number, username: string, password: string, success: boolean) => ev('honeypot.auth', s, at, { method: 'password', username, password, success });
    await repo.apply([
      ev('honeypot.connect', 'A', 0, {}),
      auth('A', 10, 'admin', 'admin', false),
      auth('A', 20, 'root', 'toor', true),
      ev('honeypot.connect', 'B', 5, {}),
      auth('B', 6, 'pi', 'raspberry', false),
      makeEvent('device.discovered', { device_id: 'x', ip: '10.0.0.9', mac: null, vendor: null, hostname: null } as never, { sensor: 's1' }) as AnyEvent,
    ]);
    await repo.apply([
      ev('honeypot.connect', 'A', 0, {}),
      auth('A', 30, 'guest', 'guest', false),
      ev('honeypot.command', 'A', 40, { input: 'uname -a', known: true }),
      ev('honeypot.command', 'A', 50, { input: 'id', known: true }),
      ev('honeypot.upload', 'A', 55, { filename: 'x', size: 1, sha256: 'ab' }),
      ev('honeypot.close', 'A', 60, { duration_ms: 60, bytes_in: 7, bytes_out: 9, reason: 'client closed' }),
      ev('honeypot.command', 'C', 70, { input: 'ls', known: true }),
    ]);
    const a = (await repo.get('A'))!;
    assert.deepEqual(
      { started: a.started_at, ended: a.ended_at, user: a.username, pass: a.password, in: a.logged_in, auths: a.auth_attempts, cmds: a.commands, up: a.uploads, dur: a.duration_ms, reason: a.close_reason, bytes: [a.bytes_in, a.bytes_out] },
      { started: T0, ended: T0 + 60, user: 'guest', pass: 'guest', in: 1, auths: 3, cmds: 2, up: 1, dur: 60, reason: 'client closed', bytes: [7, 9] },
    );
    const b = (await repo.get('B'))!;
    assert.deepEqual([b.auth_attempts, b.logged_in, b.username, b.ended_at], [1, 0, 'pi', null]);
    const c = (await repo.get('C'))!;
    assert.deepEqual([c.commands, c.started_at, c.src_ip], [1, T0 + 70, '198.51.100.9']);
    assert.equal((await repo.list({ limit: 10, offset: 0 })).total, 3);
  });

  it("a session's events: its own only (not the same source's other sessions or other sources), in time order, with the query planned on an index", async (t) => {
    if (!up) return t.skip('PostgreSQL not reachable');
    const events = new EventRepo(store.db, store.dialect);
    const other = (type: 'honeypot.connect' | 'honeypot.command', s: string, at: number, ip: string) =>
      makeEvent(type, { ...ref(), src_ip: ip, ...(type === 'honeypot.command' ? { input: 'w', known: true } : {}) } as never, { sensor: 's1', now: T0 + at, session: s, src: { ip } }) as AnyEvent;
    const mine = [0, 15, 30, 45].map((at, i) => other(i === 0 ? 'honeypot.connect' : 'honeypot.command', 'D', 100_000 + at, '198.51.100.20'));
    const noise = [
      other('honeypot.command', 'E', 100_010, '198.51.100.20'), // the same source, another session, inside D's span
      other('honeypot.command', 'F', 100_020, '198.51.100.21'), // another source
    ];
    // Delivered out of order across two batches.
    await events.insertMany([mine[2]!, noise[0]!, mine[0]!]);
    await events.insertMany([mine[3]!, noise[1]!, mine[1]!]);
    await repo.apply([...mine, ...noise]);
    const sd = (await repo.get('D'))!;
    assert.deepEqual((await repo.events(sd)).map((e) => e.id), mine.map((e) => e.id));
    assert.deepEqual((await repo.events(sd, 2)).map((e) => e.id), mine.slice(0, 2).map((e) => e.id));
    assert.deepEqual((await repo.events({ ...sd, ended_at: T0 + 100_020 })).map((e) => e.id), mine.map((e) => e.id), 'an open session reads to now; a closed one to its end (with slack)');
    if (d.name !== 'sqlite') return;
    const { sql } = await import('kysely');
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT body FROM events WHERE src_ip = ${'198.51.100.20'} AND time >= ${0} AND session = ${'D'}`.execute(store.db);
    assert.match(plan.rows.map((r) => r.detail).join('; '), /USING INDEX events_src_ip_time \(src_ip=\? AND time>\?\)/);
  });
});
}
