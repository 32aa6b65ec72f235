/**
 * kill -9 during ingest: a child process ingests a stream and reports what was acknowledged; it is killed with
 * SIGKILL mid-stream (twice), then restarted from the very beginning (the worst redelivery a bus can do). Every
 * acknowledged event must be in the store after each kill, and at the end every event is stored exactly once
 * and counted exactly once in the profiles.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { streamEvent } from './_ingest-child.js';

const CHILD = new URL('./_ingest-child.ts', import.meta.url).pathname;
const TOTAL = 20_000;
const BATCH = 250;

/** Runs the child; kills it with SIGKILL once it acknowledged `killAfter` events (or lets it finish). */
function runChild(dir: string, killAfter: number | null): Promise<{ acked: number; done: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(TOTAL), String(BATCH)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    let done = false;
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('ack ')) acked = Number(line.slice(4));
        if (line === 'done') done = true;
        if (killAfter !== null && acked >= killAfter && !child.killed) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ acked, done }));
  });
}

async function counts(dir: string) {
  const store = await openSqliteStore({ dataDir: dir, file: 'lnmt.db', cacheSizeMb: 16, mmapSizeMb: 0, busyTimeoutMs: 5000 });
  try {
    const n = async (q: Promise<{ n: number | string | bigint }>) => Number((await q).n);
    const events = await n(store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
    const applied = await n(store.db.selectFrom('threat_applied').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
    const profiles = await store.db.selectFrom('threat_profiles').select(['key', 'events', 'body']).where('kind', '=', 'ip').execute();
    const aggregates = await store.db.selectFrom('threat_profiles').select(['kind', 'key', 'events']).where('kind', 'in', ['net', 'cred']).execute();
    const ids = (await store.db.selectFrom('events').select('id').execute()).map((r) => r.id);
    const log = await store.db.selectFrom('threat_log_state').select(['last_seq', 'replay_from']).executeTakeFirstOrThrow();
    // The store is behind the log when some profile change was only in memory at the kill (written behind).
    const behind = Number(log.replay_from) <= Number(log.last_seq);
    return { events, applied, profiles, aggregates, ids, behind };
  } finally {
    await store.close();
  }
}

describe('kill -9 during ingest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-kill-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every acknowledged event survives; after restart each is stored and applied exactly once', { timeout: 300_000 }, async () => {
    const first = await runChild(dir, 6_000);
    assert.equal(first.done, false, 'the child was killed mid-stream');
    let c = await counts(dir);
    const behind = [c.behind];
    assert.ok(c.events >= first.acked, `acknowledged ${first.acked}, stored ${c.events}`);
    assert.equal(c.applied, c.events, 'profile effects committed with the events');
    const expected = new Set(Array.from({ length: first.acked }, (_, i) => streamEvent(i).id));
    const stored = new Set(c.ids);
    for (const id of expected) assert.ok(stored.has(id), `acknowledged ${id} missing`);

    const second = await runChild(dir, 14_000);
    c = await counts(dir);
    assert.ok(c.events >= second.acked);
    behind.push(c.behind);
    // Profiles are written behind (threat.profileFlushMs, 1 s by default): a kill finds changes only the batch
    // log holds, and the restart must replay them into exactly the profiles that lack them.
    assert.ok(behind.includes(true), 'at least one kill left profile changes to replay');

    const last = await runChild(dir, null);
    assert.equal(last.done, true);
    c = await counts(dir);
    assert.equal(c.events, TOTAL, 'each event stored once');
    assert.equal(c.applied, TOTAL, 'each event applied once');
    const want = new Map<string, { events: number; auths: number }>();
    for (let i = 0; i < TOTAL; i++) {
      const ev = streamEvent(i);
      const ip = (ev.data as { src_ip: string }).src_ip;
      const w = want.get(ip) ?? { events: 0, auths: 0 };
      w.events++;
      if (ev.type === 'honeypot.auth') w.auths++;
      want.set(ip, w);
    }
    assert.equal(c.profiles.length, want.size);
    for (const p of c.profiles) {
      const w = want.get(p.key)!;
      assert.equal(Number(p.events), w.events, `events of ${p.key}`);
      assert.equal((JSON.parse(p.body) as { counts: { auths: number } }).counts.auths, w.auths, `auths of ${p.key}`);
    }
    // Aggregates too: each /24 counts its sources' events once, each credential its attempts once.
    const agg = new Map<string, number>();
    for (let i = 0; i < TOTAL; i++) {
      const ev = streamEvent(i);
      const ip = (ev.data as { src_ip: string }).src_ip;
      const net = `net:${ip.split('.').slice(0, 3).join('.')}.0/24`;
      agg.set(net, (agg.get(net) ?? 0) + 1);
      if (ev.type === 'honeypot.auth') {
        const d = ev.data as { username: string; password: string };
        agg.set(`cred:${d.username}:${d.password}`, (agg.get(`cred:${d.username}:${d.password}`) ?? 0) + 1);
      }
    }
    assert.deepEqual(new Map(c.aggregates.map((a) => [`${a.kind}:${a.key}`, Number(a.events)])), agg);
  });
});
