/** The notification tables on both databases: channels (unique names) and the delivery log (paging, filters, retention). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotifyChannelRepo } from '../../src/store/repositories/notify-channel-repo.js';
import { NotifyLogRepo, type NotifyDeliveryInsert } from '../../src/store/repositories/notify-log-repo.js';
import type { Store } from '../../src/store/store.js';
import { postgresDialect, requirePostgres, sqliteDialect } from '../fixtures/dialects.js';

const pgUp = await requirePostgres('the notification store tests');

function delivery(i: number, over: Partial<NotifyDeliveryInsert> = {}): NotifyDeliveryInsert {
  return {
    time: 1_000_000 + i * 1000,
    channel_id: i % 2 === 0 ? 'ch-a' : 'ch-b',
    channel_name: i % 2 === 0 ? 'a' : 'b',
    channel_type: 'webhook',
    rule: 'check-state',
    alert_key: `check:c${i}:down`,
    severity: 'critical',
    title: `t${i}`,
    event_id: `ev-${i}`,
    status: i % 3 === 0 ? 'failed' : 'sent',
    attempts: 1 + (i % 3),
    error: i % 3 === 0 ? 'HTTP 503' : null,
    detail: i % 3 === 0 ? null : 'HTTP 204',
    latency_ms: 12.5,
    ...over,
  };
}

for (const dialect of [sqliteDialect(), postgresDialect()]) {
  describe(`notification tables on ${dialect.name}`, { skip: dialect.name === 'postgres' && !pgUp ? 'PostgreSQL not reachable (required when CI is set)' : false }, () => {
    let store: Store;
    let channels: NotifyChannelRepo;
    let log: NotifyLogRepo;
    before(async () => {
      store = await dialect.open();
      channels = new NotifyChannelRepo(store.db);
      log = new NotifyLogRepo(store.db);
    });
    after(async () => {
      await store?.close();
      await dialect.cleanup();
    });

    it('channels: insert, get by id and name, update, delete; names are unique', async () => {
      const row = { id: 'id-1', name: 'ops', type: 'webhook', enabled: 1, settings: '{"url":"https://x/"}', filter: '{}', created_at: 1, updated_at: 1 };
      await channels.insert(row);
      await channels.insert({ ...row, id: 'id-2', name: 'alpha' });
      assert.deepEqual((await channels.list()).map((c) => c.name), ['alpha', 'ops']);
      assert.deepEqual(await channels.get('id-1'), row);
      assert.equal((await channels.getByName('alpha'))?.id, 'id-2');
      await assert.rejects(channels.insert({ ...row, id: 'id-3' }), 'the unique index refuses a second "ops"');
      assert.equal(await channels.update('id-1', { enabled: 0, settings: '{}' }, 5), true);
      assert.deepEqual(await channels.get('id-1'), { ...row, enabled: 0, settings: '{}', updated_at: 5 });
      assert.equal(await channels.update('nope', { enabled: 0 }, 5), false);
      assert.equal(await channels.delete('id-2'), true);
      assert.equal(await channels.delete('id-2'), false);
    });

    it('delivery log: newest first, paged, filtered by channel, status and rule, with totals', async () => {
      await log.insertMany(Array.from({ length: 1200 }, (_, i) => delivery(i)));
      const first = await log.page({ limit: 3, offset: 0 });
      assert.equal(first.total, 1200);
      assert.deepEqual(first.items.map((r) => r.title), ['t1199', 't1198', 't1197']);
      const r = first.items[0]!;
      assert.equal(typeof r.id, 'number');
      assert.equal(r.time, 1_000_000 + 1199 * 1000);
      assert.equal(r.latency_ms, 12.5);
      const page2 = await log.page({ limit: 3, offset: 3 });
      assert.deepEqual(page2.items.map((x) => x.title), ['t1196', 't1195', 't1194']);
      const a = await log.page({ limit: 1000, offset: 0, channelId: 'ch-a' });
      assert.equal(a.total, 600);
      assert.ok(a.items.every((x) => x.channel_id === 'ch-a'));
      const failedA = await log.page({ limit: 5, offset: 0, channelId: 'ch-a', status: 'failed' });
      assert.equal(failedA.total, 200);
      assert.ok(failedA.items.every((x) => x.status === 'failed' && x.error === 'HTTP 503'));
      assert.equal((await log.page({ limit: 5, offset: 0, rule: 'test' })).total, 0);
    });

    it('retention deletes rows older than the cut-off only', async () => {
      const n = await log.deleteBefore(1_000_000 + 1000 * 1000);
      assert.equal(n, 1000);
      const left = await log.page({ limit: 1000, offset: 0 });
      assert.equal(left.total, 200);
      assert.equal(left.items.at(-1)!.title, 't1000');
    });
  });
}
