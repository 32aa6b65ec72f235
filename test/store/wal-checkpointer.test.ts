/**
 * WAL checkpoints from a worker thread: with `backgroundCheckpoint` the writer's connection no longer copies
 * the WAL back itself (its auto-checkpoint sits at ~160 MB), yet the WAL is checkpointed within a second of
 * the writes, the data reads back, and closing the store stops the thread (the process can exit).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startWalCheckpointer } from '../../src/store/sqlite/wal-checkpointer.js';

describe('WAL checkpointer thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checkpoints what the writer commits, without the writer doing it', async () => {
    const file = join(dir, 'a.db');
    const writer = new BetterSqlite3(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    const cp = startWalCheckpointer(file, { intervalMs: 50, busyTimeoutMs: 1000 });
    try {
      const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
      writer.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run('x'.repeat(200));
      })();
      const end = Date.now() + 5000;
      while ((await cp.runs()) === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.ok((await cp.runs()) > 0, 'the thread checkpointed the WAL');
      // Everything is in the main file now: a checkpoint of our own finds no frame left to copy.
      const [r] = writer.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
      assert.equal(r!.log, r!.checkpointed);
    } finally {
      await cp.stop();
      writer.close();
    }
  });

  it('a store opened with backgroundCheckpoint writes, reads and closes', async () => {
    const store = await openSqliteStore({ dataDir: dir, file: 'b.db', cacheSizeMb: 8, mmapSizeMb: 0, busyTimeoutMs: 1000, backgroundCheckpoint: true });
    const { rows } = await sql<{ n: number }>`PRAGMA wal_autocheckpoint`.execute(store.db);
    assert.equal(Object.values(rows[0]!)[0], 40_000, 'the writer keeps only a backstop checkpoint');
    await sql`CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)`.execute(store.db);
    await sql`INSERT INTO kv VALUES ('a', '1')`.execute(store.db);
    const back = await sql<{ v: string }>`SELECT v FROM kv WHERE k = 'a'`.execute(store.db);
    assert.equal(back.rows[0]!.v, '1');
    await store.close();
  });

  it('stopping twice, or after the thread ended, is harmless', async () => {
    const cp = startWalCheckpointer(join(dir, 'c.db'), { intervalMs: 1000, busyTimeoutMs: 100 });
    await cp.stop();
    await cp.stop();
    assert.equal(await cp.runs(), 0);
  });
});
