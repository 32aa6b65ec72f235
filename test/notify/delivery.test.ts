/**
 * Delivery: retries with exponential backoff then `notification.failed`; a dead or silent channel never delays a
 * healthy one; bounded queues; undeliverable channels and shutdown are logged.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EventPayloads } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { DeliveryError, type Notifier } from '../../src/notify/channel-type.js';
import { DeliveryQueue, backoffMs, type DeliveryOutcome } from '../../src/notify/delivery-queue.js';
import { alert, httpReceiver, refusedPort } from './helpers.js';
import { addWebhook, checkDown, harness, type Harness } from './harness.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

async function open(env: Record<string, string>): Promise<Harness> {
  const h = await harness({ env: { LNMT_NOTIFY__THROTTLE_MINUTES: '0', ...env } });
  closers.push(h.close);
  return h;
}

async function receiver(...args: Parameters<typeof httpReceiver>) {
  const r = await httpReceiver(...args);
  closers.push(r.close);
  return r;
}

async function until<T>(fn: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('backoffMs', () => {
  it('doubles from the base, is capped, and honours a longer Retry-After (capped too)', () => {
    const p = { retries: 5, baseMs: 100, maxMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(n, p)), [100, 200, 400, 800, 1000]);
    assert.equal(backoffMs(1, p, 700), 700);
    assert.equal(backoffMs(3, p, 50), 400);
    assert.equal(backoffMs(1, p, 60_000), 1000);
  });
});

describe('retries', () => {
  it('a 503 channel is tried 1 + retries times with growing gaps, logged failed, then notification.failed is published', async () => {
    const h = await open({ LNMT_NOTIFY__RETRIES: '2', LNMT_NOTIFY__RETRY_BASE_MS: '60' });
    const r = await receiver([{ status: 503, body: 'try later' }]);
    const ch = await addWebhook(h, 'flaky', r.url);
    const ev = await h.publish('check.state_changed', checkDown());
    await r.waitFor(3);
    await until(() => h.failures.length > 0, 'notification.failed');
    const gaps = [r.requests[1]!.at - r.requests[0]!.at, r.requests[2]!.at - r.requests[1]!.at];
    assert.ok(gaps[0]! >= 55 && gaps[1]! >= 115, `gaps ${gaps.join(', ')} ms (want ~60 then ~120)`);
    const f = h.failures[0]!;
    assert.equal(f.type, 'notification.failed');
    assert.deepEqual(f.data, { channel: 'flaky', channel_type: 'webhook', event_id: ev.id, attempts: 3, error: 'HTTP 503: try later' });
    await h.svc.flushLog();
    const { items } = await h.svc.deliveries({ limit: 5, offset: 0, channelId: ch.id });
    assert.equal(items.length, 1);
    assert.equal(items[0]!.status, 'failed');
    assert.equal(items[0]!.attempts, 3);
    assert.equal(items[0]!.error, 'HTTP 503: try later');
    assert.equal(items[0]!.rule, 'check-state');
  });

  it('a permanent failure (HTTP 400) is not retried', async () => {
    const h = await open({ LNMT_NOTIFY__RETRIES: '3', LNMT_NOTIFY__RETRY_BASE_MS: '10' });
    const r = await receiver([{ status: 400 }]);
    await addWebhook(h, 'wrong', r.url);
    await h.publish('check.state_changed', checkDown());
    await until(() => h.failures.length > 0, 'notification.failed');
    assert.equal(r.requests.length, 1);
    assert.equal((h.failures[0]!.data as EventPayloads['notification.failed']).attempts, 1);
  });

  it('a retry that succeeds is logged sent with its attempts; nothing is published', async () => {
    const h = await open({ LNMT_NOTIFY__RETRIES: '3', LNMT_NOTIFY__RETRY_BASE_MS: '10' });
    const r = await receiver([{ status: 502 }, { status: 200 }]);
    await addWebhook(h, 'second-time', r.url);
    await h.publish('check.state_changed', checkDown());
    await r.waitFor(2);
    await until(() => h.svc.queueDepths()['second-time'] === 0, 'the queue to empty');
    await h.svc.flushLog();
    const { items } = await h.svc.deliveries({ limit: 5, offset: 0 });
    assert.deepEqual(items.map((i) => [i.status, i.attempts, i.detail]), [['sent', 2, 'HTTP 200']]);
    assert.equal(h.failures.length, 0);
  });
});

describe('independent channels', () => {
  it('a channel that never answers and one that refuses connections do not delay a healthy one', async () => {
    const h = await open({ LNMT_NOTIFY__TIMEOUT_MS: '3000', LNMT_NOTIFY__RETRIES: '3', LNMT_NOTIFY__RETRY_BASE_MS: '1000' });
    const silent = await receiver(['hang']);
    const healthy = await receiver([{ status: 204 }]);
    await addWebhook(h, 'a-silent', silent.url);
    await addWebhook(h, 'b-refused', `http://127.0.0.1:${await refusedPort()}/`);
    await addWebhook(h, 'c-healthy', healthy.url);
    const t = Date.now();
    for (let i = 0; i < 5; i++) await h.publish('check.state_changed', checkDown({ check: { id: `c${i}`, name: `web-${i}`, type: 'http', target: 'x', device_id: null } }));
    await healthy.waitFor(5);
    const took = Date.now() - t;
    assert.ok(took < 500, `the healthy channel got 5 alerts after ${took} ms`);
    assert.equal(silent.requests.length, 1, 'the silent one is still on its first alert');
    await until(() => h.svc.queueDepths()['c-healthy'] === 0, 'the healthy queue to empty', 1000);
    const depths = h.svc.queueDepths();
    assert.equal(depths['a-silent'], 5);
    assert.ok(depths['b-refused']! >= 1, 'the refused one is backing off');
  });

  it('a full queue refuses new alerts (bounded memory): they are logged failed with the reason', async () => {
    const h = await open({ LNMT_NOTIFY__QUEUE_SIZE: '2', LNMT_NOTIFY__TIMEOUT_MS: '5000' });
    const silent = await receiver(['hang']);
    const ch = await addWebhook(h, 'stuck', silent.url);
    for (let i = 0; i < 6; i++) await h.publish('check.state_changed', checkDown({ check: { id: `q${i}`, name: `q-${i}`, type: 'tcp', target: 'x', device_id: null } }));
    await silent.waitFor(1);
    assert.equal(h.svc.queueDepths().stuck, 3, 'one in flight and two waiting');
    await h.svc.flushLog();
    const { items } = await h.svc.deliveries({ limit: 10, offset: 0, channelId: ch.id, status: 'failed' });
    assert.equal(items.length, 3);
    for (const i of items) assert.equal(i.error, 'queue full (2 alerts waiting, notify.queueSize): dropped');
  });

  it('on stop, alerts still waiting are logged as not delivered', async () => {
    const h = await harness({ env: { LNMT_NOTIFY__THROTTLE_MINUTES: '0', LNMT_NOTIFY__TIMEOUT_MS: '5000' }, stopGraceMs: 300 });
    const silent = await receiver(['hang']);
    const ch = await addWebhook(h, 'stuck', silent.url);
    await h.publish('check.state_changed', checkDown());
    await h.publish('check.state_changed', checkDown({ current: 'up', previous: 'down' }));
    await silent.waitFor(1);
    const t = Date.now();
    await h.svc.stop();
    const took = Date.now() - t;
    assert.ok(took >= 280 && took < 1500, `stop gives queues a short grace (300 ms), then aborts; took ${took} ms`);
    const { items } = await h.svc.deliveries({ limit: 10, offset: 0, channelId: ch.id });
    assert.deepEqual(items.map((i) => [i.status, i.error]), [
      ['failed', 'not delivered: lnmt stopped'],
      ['failed', 'not delivered: lnmt stopped'],
    ]);
    await h.close();
  });
});

describe('DeliveryQueue', () => {
  it('delivers in order, one at a time, and reports each outcome once', async () => {
    const sent: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const notifier: Notifier = {
      async send(a) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        if (a.key === 'bad') throw new DeliveryError('nope', false);
        sent.push(a.key);
        return { detail: 'ok' };
      },
      async close() {},
    };
    const outcomes: DeliveryOutcome[] = [];
    const q = new DeliveryQueue({ channel: { id: 'x', name: 'x', type: 'log' }, notifier, maxSize: 10, retry: { retries: 2, baseMs: 1, maxMs: 1 }, now: Date.now, onOutcome: (o) => outcomes.push(o), logger: silentLogger() });
    for (const k of ['a', 'bad', 'b', 'c']) assert.equal(q.push(alert({ key: k })), true);
    assert.deepEqual(await q.stop(2000), []);
    assert.deepEqual(sent, ['a', 'b', 'c']);
    assert.equal(maxInFlight, 1);
    assert.deepEqual(outcomes.map((o) => [o.alert.key, o.status, o.attempts]), [['a', 'sent', 1], ['bad', 'failed', 1], ['b', 'sent', 1], ['c', 'sent', 1]]);
    assert.equal(q.push(alert()), false, 'a stopped queue takes nothing');
  });
});
