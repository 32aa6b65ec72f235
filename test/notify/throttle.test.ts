/** Dedup and throttling with an injected clock: one alert per key per window, the rest counted and reported. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Throttle } from '../../src/notify/throttle.js';
import { T0, alert, httpReceiver } from './helpers.js';
import { addWebhook, checkDown, harness, type Harness } from './harness.js';

const MIN = 60_000;

describe('Throttle', () => {
  it('sends the first alert of a key, holds back the rest of the window, reports the count with the next one', () => {
    let now = T0;
    const t = new Throttle(() => now);
    assert.deepEqual(t.admit('k', 15 * MIN, alert()), { send: true, suppressed: 0 });
    now += MIN;
    assert.deepEqual(t.admit('k', 15 * MIN, alert()), { send: false });
    assert.deepEqual(t.admit('k', 15 * MIN, alert()), { send: false });
    assert.deepEqual(t.admit('other', 15 * MIN, alert()), { send: true, suppressed: 0 }, 'keys are independent');
    now = T0 + 15 * MIN;
    assert.deepEqual(t.admit('k', 15 * MIN, alert()), { send: true, suppressed: 2 });
  });

  it('sweep() turns a window that ended with suppressed alerts into one summary and opens a new window', () => {
    let now = T0;
    const t = new Throttle(() => now);
    t.admit('k', 10 * MIN, alert({ text: 'first' }));
    t.admit('k', 10 * MIN, alert({ text: 'second' }));
    t.admit('k', 10 * MIN, alert({ text: 'third' }));
    now = T0 + 10 * MIN - 1;
    assert.deepEqual(t.sweep(), [], 'not before the window ends');
    now = T0 + 10 * MIN;
    const [s, ...rest] = t.sweep();
    assert.equal(rest.length, 0);
    assert.equal(s!.text, 'third', 'the latest suppressed alert');
    assert.equal(s!.suppressed, 2);
    assert.equal(s!.summary, true);
    assert.deepEqual(t.admit('k', 10 * MIN, alert()), { send: false }, 'the summary opened a new window');
    now = T0 + 20 * MIN;
    assert.equal(t.sweep().length, 1);
    now = T0 + 30 * MIN;
    assert.deepEqual(t.sweep(), []);
    assert.equal(t.size, 0, 'quiet keys are forgotten');
  });

  it('a window of 0 never throttles and keeps no state', () => {
    const t = new Throttle(() => T0);
    for (let i = 0; i < 3; i++) assert.deepEqual(t.admit('k', 0, alert()), { send: true, suppressed: 0 });
    assert.equal(t.size, 0);
  });
});

describe('throttling through the service (3 events with one key in the window)', () => {
  let h: Harness;
  let r: Awaited<ReturnType<typeof httpReceiver>>;
  before(async () => {
    r = await httpReceiver();
    h = await harness({ env: { LNMT_NOTIFY__THROTTLE_MINUTES: '15' } });
    await addWebhook(h, 'hook', r.url);
  });
  after(async () => {
    await h.close();
    await r.close();
  });

  it('1 sent, 2 suppressed (logged), then the summary reports suppressed: 2 when the window ends', async () => {
    const evs = [];
    for (let i = 0; i < 3; i++) {
      evs.push(await h.publish('check.state_changed', checkDown({ message: `refused #${i + 1}` })));
      h.clock.now += MIN;
    }
    await h.settle();
    await r.waitFor(1);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.requests.length, 1);
    const first = JSON.parse(r.requests[0]!.body);
    assert.equal(first.suppressed, 0);
    assert.equal(first.event.id, evs[0]!.id);
    await h.svc.flushLog();
    const log = await h.svc.deliveries({ limit: 10, offset: 0 });
    assert.deepEqual(log.items.map((e) => [e.status, e.event_id, e.alert_key]).sort(), [
      ['sent', evs[0]!.id, 'check:c1:down'],
      ['suppressed', evs[1]!.id, 'check:c1:down'],
      ['suppressed', evs[2]!.id, 'check:c1:down'],
    ]);

    h.clock.now = T0 + 15 * MIN;
    assert.equal(h.svc.sweep(), 1);
    const [, summary] = await r.waitFor(2);
    const body = JSON.parse(summary!.body);
    assert.equal(body.suppressed, 2);
    assert.equal(body.summary, true);
    assert.equal(body.event.id, evs[2]!.id);
    assert.equal(body.text, 'web-1 is down after 3 failed results: refused #3');
  });

  it('without a sweep, the next alert after the window carries the count instead', async () => {
    h.clock.now = T0 + 60 * MIN;
    h.svc.sweep(); // ends the summary's window (nothing held back)
    await h.publish('check.state_changed', checkDown({ message: 'a' }));
    await h.publish('check.state_changed', checkDown({ message: 'b' }));
    h.clock.now += 16 * MIN;
    await h.publish('check.state_changed', checkDown({ message: 'c' }));
    await h.settle();
    const reqs = await r.waitFor(4);
    assert.deepEqual(reqs.slice(2).map((q) => [JSON.parse(q.body).text.split(': ')[1], JSON.parse(q.body).suppressed]), [['a', 0], ['c', 1]]);
  });
});
