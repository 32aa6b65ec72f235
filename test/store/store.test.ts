/**
 * The store suite, run on every dialect: the same migrations, queries and batched writes on SQLite (a real WAL
 * file) and PostgreSQL (a fresh database on 127.0.0.1:5432). In CI a missing PostgreSQL fails the suite.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { makeEvent, type AnyEvent } from '../../src/core/events.js';
import { DeviceRepo } from '../../src/store/repositories/device-repo.js';
import { EventRepo } from '../../src/store/repositories/event-repo.js';
import { ScanRepo } from '../../src/store/repositories/scan-repo.js';
import { TokenRepo, hashToken } from '../../src/store/repositories/token-repo.js';
import type { Store } from '../../src/store/store.js';
import { PG_ADMIN, postgresDialect, requirePostgres, sqliteDialect } from '../fixtures/dialects.js';

const pgUp = await requirePostgres('the store suite');

for (const dialect of [sqliteDialect(), postgresDialect()]) {
  describe(`store on ${dialect.name}`, { skip: dialect.name === 'postgres' && !pgUp ? 'PostgreSQL not reachable (required when CI is set)' : false }, () => {
    let store: Store;
    let devices: DeviceRepo;

    before(async () => {
      store = await dialect.open();
      devices = new DeviceRepo(store.db, store.dialect);
    });
    after(async () => {
      await store?.close();
      await dialect.cleanup();
    });

    it('migrates to the latest version, and again is a no-op', async () => {
      const tables = dialect.name === 'sqlite'
        ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(store.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`.execute(store.db)).rows.map((r) => r.name);
      for (const t of ['devices', 'device_status_history', 'scans', 'api_tokens', 'events', 'lnmt_migrations']) assert.ok(tables.includes(t), `table ${t}`);
      const { migrateToLatest } = await import('../../src/store/migrations/index.js');
      assert.deepEqual(await migrateToLatest(store.db, store.dialect), []);
    });

    if (dialect.name === 'postgres') {
      it('survives the server dropping its idle connections (a PostgreSQL restart), without an uncaught error', async () => {
        await sql`SELECT 1`.execute(store.db);
        const { rows } = await sql<{ db: string }>`SELECT current_database() AS db`.execute(store.db);
        const pgmod = (await import('pg')).default;
        const admin = new pgmod.Client({ connectionString: PG_ADMIN });
        await admin.connect();
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [rows[0]!.db]);
        await admin.end();
        await new Promise((r) => setTimeout(r, 200)); // the pool sees the idle client die
        const again = await sql<{ n: number }>`SELECT 2 AS n`.execute(store.db);
        assert.equal(Number(again.rows[0]!.n), 2);
      });
    }

    if (dialect.name === 'sqlite') {
      it('runs SQLite in WAL mode with foreign keys on', async () => {
        const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
        assert.equal(mode.rows[0]!.journal_mode, 'wal');
        const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(store.db);
        assert.equal(fk.rows[0]!.foreign_keys, 1);
        // 2 = INCREMENTAL: set before WAL, or the store-optimize job's incremental vacuum could never free pages.
        const av = await sql<{ auto_vacuum: number }>`PRAGMA auto_vacuum`.execute(store.db);
        assert.equal(av.rows[0]!.auto_vacuum, 2);
      });
    }

    it('inserts devices and lists them with filters, sort and pagination', async () => {
      const now = Date.now();
      const rows = [
        { ip: '10.0.0.2', vendor: 'Raspberry Pi Foundation', status: 'online' as const, hostname: 'pi.lan', last_seen: now - 1000 },
        { ip: '10.0.0.10', vendor: 'Apple, Inc.', status: 'offline' as const, hostname: 'mac.lan', last_seen: now - 5000 },
        { ip: '10.0.1.1', vendor: 'Cisco Systems, Inc', status: 'online' as const, hostname: 'router', last_seen: now },
        { ip: '192.168.5.7', vendor: null, status: 'unknown' as const, hostname: null, last_seen: null },
        { ip: '2001:db8::1', vendor: 'Apple, Inc.', status: 'online' as const, hostname: 'v6.lan', last_seen: now - 2000 },
      ];
      for (const r of rows) await devices.insert({ ...r, source: 'scan' });
      const all = await devices.list({ limit: 10, offset: 0 });
      assert.equal(all.total, 5);
      // IP order is numeric, not textual: 10.0.0.2 < 10.0.0.10 < 10.0.1.1 < 192.168.5.7, then IPv6.
      assert.deepEqual(all.items.map((d) => d.ip), ['10.0.0.2', '10.0.0.10', '10.0.1.1', '192.168.5.7', '2001:db8::1']);
      assert.deepEqual((await devices.list({ limit: 10, offset: 0, status: 'online' })).items.map((d) => d.ip), ['10.0.0.2', '10.0.1.1', '2001:db8::1']);
      assert.deepEqual((await devices.list({ limit: 10, offset: 0, vendor: 'apple' })).items.map((d) => d.ip), ['10.0.0.10', '2001:db8::1']);
      assert.deepEqual((await devices.list({ limit: 10, offset: 0, subnet: '10.0.0.0/24' })).items.map((d) => d.ip), ['10.0.0.2', '10.0.0.10']);
      assert.deepEqual((await devices.list({ limit: 10, offset: 0, subnet: '2001:db8::/32' })).items.map((d) => d.ip), ['2001:db8::1']);
      assert.deepEqual((await devices.list({ limit: 10, offset: 0, q: 'LAN' })).items.map((d) => d.ip), ['10.0.0.2', '10.0.0.10', '2001:db8::1']);
      // Literal matching: % and _ are not wildcards.
      assert.equal((await devices.list({ limit: 10, offset: 0, q: '%' })).total, 0);
      assert.deepEqual((await devices.list({ limit: 10, offset: 0, sort: 'last_seen', order: 'desc', status: 'online' })).items.map((d) => d.ip), ['10.0.1.1', '10.0.0.2', '2001:db8::1']);
      const page2 = await devices.list({ limit: 2, offset: 2 });
      assert.deepEqual(page2.items.map((d) => d.ip), ['10.0.1.1', '192.168.5.7']);
      assert.equal(page2.total, 5);
      assert.deepEqual(await devices.countByStatus(), { online: 3, offline: 1, unknown: 1 });
      const iterated: string[] = [];
      for await (const d of devices.iterate({}, 2)) iterated.push(d.ip);
      assert.equal(iterated.length, 5);
    });

    it('rejects a second device with the same IP', async () => {
      await assert.rejects(devices.insert({ ip: '10.0.0.2', source: 'manual' }));
      assert.equal((await devices.count()).valueOf(), 5);
    });

    it('applies batched status updates: device rows and one history row per observation', async () => {
      const d = (await devices.getByIp('10.0.0.10'))!;
      const e = (await devices.getByIp('10.0.0.2'))!;
      const t = Date.now();
      await store.db.transaction().execute((trx) =>
        devices.applyStatusUpdates([
          { device_id: d.id, status: 'online', rtt_ms: 1.5, method: 'icmp', time: t, seen: true, scan_id: 's1', changed: true },
          { device_id: e.id, status: 'offline', rtt_ms: null, method: null, time: t, seen: false, scan_id: 's1', changed: true },
          { device_id: d.id, status: 'online', rtt_ms: 2.5, method: 'arp', time: t + 1, seen: true, scan_id: 's1', changed: false },
        ], trx),
      );
      const d2 = (await devices.get(d.id))!;
      assert.equal(d2.status, 'online');
      assert.equal(d2.rtt_ms, 2.5);
      assert.equal(d2.method, 'arp');
      assert.equal(d2.last_seen, t + 1);
      const e2 = (await devices.get(e.id))!;
      assert.equal(e2.status, 'offline');
      assert.equal(e2.last_seen, e.last_seen, 'a silent observation does not move last_seen');
      assert.equal(e2.last_checked, t);
      const hist = await devices.history(d.id, 10);
      assert.deepEqual(hist.map((h) => [h.status, h.method]), [['online', 'arp'], ['online', 'icmp']]);
    });

    it('writes 5,000 status updates in one batch', async () => {
      const ids: number[] = [];
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 200; i++) ids.push((await devices.insert({ ip: `172.16.${i >> 8}.${i & 255}`, source: 'scan' }, trx)).id);
      });
      const t = Date.now();
      const state = new Map<number, string>();
      const updates = Array.from({ length: 5000 }, (_, i) => {
        const id = ids[i % ids.length]!;
        const status = (i % 2 ? 'online' : 'offline') as 'online' | 'offline';
        const changed = state.get(id) !== status;
        state.set(id, status);
        return { device_id: id, status, rtt_ms: i % 2 ? 1 : null, method: i % 2 ? 'icmp' : null, time: t + i, seen: i % 2 === 1, scan_id: null, changed };
      });
      await store.db.transaction().execute((trx) => devices.applyStatusUpdates(updates, trx));
      const n = await store.db.selectFrom('device_status_history').select((eb) => eb.fn.countAll<number>().as('n')).where('device_id', 'in', ids).executeTakeFirst();
      assert.equal(Number(n!.n), 5000);
      // The last observation of each device wins: device ids[k] last appears at i = 4800 + k.
      const last = (await devices.get(ids[1]!))!;
      assert.equal(last.last_checked, t + 4801);
      assert.equal(last.status, 'online');
    });

    it('an unchanged status only moves last_seen (answered) or last_checked (silent)', async () => {
      const d = (await devices.getByIp('10.0.1.1'))!; // online
      const e = (await devices.getByIp('10.0.0.2'))!; // offline since the test above
      const t = Date.now() + 10_000;
      await store.db.transaction().execute((trx) =>
        devices.applyStatusUpdates([
          { device_id: d.id, status: 'online', rtt_ms: 7, method: 'tcp:22', time: t, seen: true, scan_id: null, changed: false },
          { device_id: e.id, status: 'offline', rtt_ms: null, method: null, time: t, seen: false, scan_id: null, changed: false },
        ], trx),
      );
      const d2 = (await devices.get(d.id))!;
      assert.deepEqual([d2.status, d2.rtt_ms, d2.method, d2.last_seen, d2.last_checked, d2.first_seen], ['online', 7, 'tcp:22', t, t, d.first_seen]);
      const e2 = (await devices.get(e.id))!;
      assert.deepEqual([e2.status, e2.rtt_ms, e2.method, e2.last_seen, e2.last_checked], ['offline', e.rtt_ms, e.method, e.last_seen, t]);
    });

    it('a manually added device gets first_seen when it first answers', async () => {
      const m = await devices.insert({ ip: '10.9.9.9', source: 'manual' });
      assert.equal(m.first_seen, null);
      const t = Date.now();
      await store.db.transaction().execute((trx) => devices.applyStatusUpdates([{ device_id: m.id, status: 'online', rtt_ms: 1, method: 'icmp', time: t, seen: true, scan_id: null, changed: true }], trx));
      const m2 = (await devices.get(m.id))!;
      assert.equal(m2.first_seen, t);
      assert.equal(m2.status, 'online');
      await devices.delete(m.id);
    });

    it('deleting a device deletes its history (foreign key cascade)', async () => {
      const d = (await devices.getByIp('10.0.0.10'))!;
      await devices.delete(d.id);
      assert.equal((await devices.history(d.id, 10)).length, 0);
    });

    it('stores tokens hashed, finds active ones, revokes by name', async () => {
      const tokens = new TokenRepo(store.db);
      const { row, secret } = await tokens.create('ci', 'viewer');
      assert.ok(secret.startsWith('lnmt_'));
      assert.notEqual(row.token_hash, secret);
      assert.equal(row.token_hash, hashToken(secret));
      assert.equal((await tokens.findActive(secret))?.id, row.id);
      assert.equal(await tokens.findActive(`${secret}x`), undefined);
      assert.equal((await tokens.revoke('ci')).length, 1);
      assert.equal(await tokens.findActive(secret), undefined);
      // Ids are UUIDv7: tokens made in the same minute share an 8-character prefix, which must not revoke both.
      const a = await tokens.create('a', 'viewer');
      const b = await tokens.create('b', 'admin');
      const shared = a.row.id.slice(0, 8);
      assert.equal(b.row.id.slice(0, 8), shared);
      await assert.rejects(tokens.revoke(shared), /matches 2 tokens/);
      assert.ok(await tokens.findActive(a.secret));
      assert.equal((await tokens.revoke(a.row.id.slice(0, 23))).length, 1);
      assert.ok(await tokens.findActive(b.secret), 'the other token still works');
    });

    it('stores events once even when delivered twice', async () => {
      const events = new EventRepo(store.db, store.dialect);
      const ev = makeEvent('scan.started', { scan_id: 'x', targets: ['10.0.0.0/24'], addresses: 254, methods: ['icmp'] }, { sensor: 'test' }) as AnyEvent;
      await events.insertMany([ev]);
      await events.insertMany([ev]);
      const got = await events.recent({ type: 'scan.started', limit: 10 });
      assert.equal(got.length, 1);
      assert.deepEqual(got[0], ev);
    });

    it('records scans and fails only the ones a dead process of this host left running', async () => {
      const scans = new ScanRepo(store.db);
      const host = hostname();
      await scans.create({ id: 'scan-dead', targets: ['10.0.0.1'], options: {}, requested_by: null, runner: `${host}:4000001` });
      await scans.create({ id: 'scan-live', targets: ['10.0.0.2'], options: {}, requested_by: null }); // this process
      await scans.create({ id: 'scan-other', targets: ['10.0.0.3'], options: {}, requested_by: null, runner: 'another-host:1' });
      for (const id of ['scan-dead', 'scan-live', 'scan-other']) await scans.markRunning(id);
      assert.equal(await scans.failOrphans(), 1);
      const dead = (await scans.get('scan-dead'))!;
      assert.equal(dead.status, 'failed');
      assert.match(dead.error ?? '', /interrupted/);
      assert.equal((await scans.get('scan-live'))!.status, 'running');
      assert.equal((await scans.get('scan-other'))!.status, 'running');
    });
  });
}
