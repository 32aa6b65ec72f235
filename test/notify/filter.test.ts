/** Per-channel filters: event types with wildcards, minimum severity, devices, tags — alone and in routing. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LnmtError } from '../../src/core/errors.js';
import { checkFilter, compileFilter, eventTypeMatcher } from '../../src/notify/filter.js';
import { alert, httpReceiver } from './helpers.js';
import { DEVICE, addWebhook, checkDown, harness } from './harness.js';

describe('compileFilter', () => {
  it('event types: exact, prefix wildcard, everything', () => {
    const m = eventTypeMatcher(['check.*', 'device.discovered']);
    assert.deepEqual(['check.state_changed', 'check.cert_expiring', 'device.discovered', 'device.state_changed', 'checkpoint.x'].map(m), [true, true, true, false, false]);
    assert.equal(eventTypeMatcher(['*'])('anything.at_all'), true);
    assert.equal(eventTypeMatcher([])('anything'), true);
  });

  it('minimum severity', () => {
    const f = compileFilter({ minSeverity: 'warning' });
    assert.deepEqual(['info', 'notice', 'warning', 'critical'].map((s) => f.accepts(alert({ severity: s as 'info' }))), [false, false, true, true]);
  });

  it('devices by id, IP (any notation) or MAC (any notation); alerts about no device do not match', () => {
    const a = alert();
    assert.equal(compileFilter({ devices: ['7'] }).accepts(a), true);
    assert.equal(compileFilter({ devices: ['10.0.0.7'] }).accepts(a), true);
    assert.equal(compileFilter({ devices: ['AA-BB-CC-DD-EE-07'] }).accepts(a), true);
    assert.equal(compileFilter({ devices: ['8', '10.0.0.8'] }).accepts(a), false);
    assert.equal(compileFilter({ devices: ['7'] }).accepts(alert({ device: null })), false);
  });

  it('tags: at least one in common', () => {
    assert.equal(compileFilter({ tags: ['prod', 'db'] }).accepts(alert({ tags: ['prod'] })), true);
    assert.equal(compileFilter({ tags: ['db'] }).accepts(alert({ tags: ['prod'] })), false);
    assert.equal(compileFilter({ tags: ['db'] }).accepts(alert({ tags: [] })), false);
  });

  it('all axes together must match; a test message (no event) passes the event filter', () => {
    const f = compileFilter({ events: ['device.*'], minSeverity: 'notice', tags: ['prod'] });
    assert.equal(f.accepts(alert()), false, 'check.state_changed is not device.*');
    assert.equal(f.accepts(alert({ event: null })), true);
  });

  it('checkFilter names each bad entry', () => {
    assert.throws(
      () => checkFilter({ events: ['check.*', 'Bad Type'], minSeverity: 'loud', devices: ['10.0.0.1', 'nope'], colour: 'red' }),
      (err: unknown) => {
        assert.ok(err instanceof LnmtError);
        assert.deepEqual(err.details.map((d) => d.where), ['filter.events[1]', 'filter.minSeverity', 'filter.colour']);
        return true;
      },
    );
    assert.throws(() => checkFilter({ devices: ['10.0.0.1', 'nope'] }), (err: unknown) => (err as LnmtError).details[0]!.where === 'filter.devices[1]');
    assert.deepEqual(checkFilter(undefined), {});
  });
});

describe('routing by filters through the service', () => {
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of closers.reverse()) await c();
  });

  it('each channel receives exactly the alerts its filter accepts', async () => {
    const h = await harness({ env: { LNMT_NOTIFY__THROTTLE_MINUTES: '0', LNMT_NOTIFY__TRACKED_DEVICES: '10.0.0.7' } });
    closers.push(h.close);
    const names = ['all', 'checks', 'critical', 'device-8', 'tag-db'] as const;
    const rx = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await httpReceiver()] as const)));
    for (const r of Object.values(rx)) closers.push(r.close);
    await addWebhook(h, 'all', rx.all!.url);
    await addWebhook(h, 'checks', rx.checks!.url, { events: ['check.*'] });
    await addWebhook(h, 'critical', rx.critical!.url, { minSeverity: 'critical' });
    await addWebhook(h, 'device-8', rx['device-8']!.url, { devices: ['10.0.0.8'] });
    await addWebhook(h, 'tag-db', rx['tag-db']!.url, { tags: ['db'] });
    await h.store.db.insertInto('checks').values({
      id: 'c9', name: 'db-1', type: 'tcp', target: '10.0.0.9:5432', device_id: null, params: '{}', interval_ms: 60000, timeout_ms: 5000, retries: 0,
      flap_threshold: 5, flap_window_ms: 600000, enabled: 1, tags: '["db","prod"]', state: 'down', state_since: null, streak: -1, flapping: 0,
      last_run_at: null, last_ok: null, last_latency_ms: null, last_message: null, created_at: 1, updated_at: 1,
    }).execute();
    await h.publish('check.state_changed', checkDown()); // critical, device 7, no tags
    await h.publish('check.state_changed', checkDown({ check: { id: 'c9', name: 'db-1', type: 'tcp', target: '10.0.0.9:5432', device_id: null }, device: null })); // tags from the store
    await h.publish('device.discovered', { device: { ...DEVICE, id: 8, ip: '10.0.0.8' }, method: 'arp', rtt_ms: null, scan_id: null }); // notice, device 8
    await h.publish('device.state_changed', { device: DEVICE, previous: 'online', current: 'offline', method: null, rtt_ms: null, scan_id: null }); // warning, tracked
    await rx.all!.waitFor(4);
    await new Promise((r) => setTimeout(r, 100));
    const got = (n: string) => rx[n]!.requests.map((q) => JSON.parse(q.body).rule as string).sort();
    assert.deepEqual(got('all'), ['check-state', 'check-state', 'device-state', 'new-device']);
    assert.deepEqual(got('checks'), ['check-state', 'check-state']);
    assert.deepEqual(got('critical'), ['check-state', 'check-state']);
    assert.deepEqual(got('device-8'), ['new-device']);
    assert.deepEqual(rx['tag-db']!.requests.map((q) => JSON.parse(q.body).check.name), ['db-1'], 'tags come from the check in the store');
    assert.deepEqual(JSON.parse(rx['tag-db']!.requests[0]!.body).tags, ['db', 'prod']);
  });
});
