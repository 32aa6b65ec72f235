/** Alert rules: what each built-in rule makes of its events, flapping summaries, config overrides, extension. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AnyEvent, EventPayloads, EventType } from '../../src/core/events.js';
import { makeEvent } from '../../src/core/events.js';
import { LnmtError } from '../../src/core/errors.js';
import { parseDeviceSet, deviceInSet } from '../../src/notify/device-match.js';
import { checkRuleOverrides, ruleSettings } from '../../src/notify/rule-settings.js';
import { BUILTIN_RULES, builtinRules } from '../../src/notify/rules/index.js';
import type { AlertRule, RuleContext } from '../../src/notify/rules/rule.js';
import { RuleRegistry } from '../../src/notify/rules/rule.js';
import { notifyDefaults } from '../../src/core/config/sections/notify.js';
import { T0, httpReceiver } from './helpers.js';
import { CHECK, DEVICE, addWebhook, checkDown, harness } from './harness.js';

const tracked = parseDeviceSet(['10.0.0.7'], (i) => `t[${i}]`);
const ctx: RuleContext = { checkTags: async (id) => (id === 'c1' ? ['prod', 'web'] : []), isTracked: (d) => deviceInSet(tracked, d) };
const rules = builtinRules();

function ev<T extends EventType>(type: T, data: EventPayloads[T]): AnyEvent {
  return makeEvent(type, data, { sensor: 'gw-1', now: T0 }) as AnyEvent;
}

async function drafts(ruleId: string, e: AnyEvent) {
  return rules.get(ruleId)!.map(e, ctx);
}

describe('built-in rules', () => {
  it('check-state: down (critical) and back up (notice), with the check tags; not for a new check coming up, nor while flapping', async () => {
    const [down] = await drafts('check-state', ev('check.state_changed', checkDown()));
    assert.deepEqual(down, {
      key: 'check:c1:down',
      severity: 'critical',
      title: 'web-1 is DOWN',
      text: 'web-1 is down after 3 failed results: connection refused',
      device: DEVICE,
      check: CHECK,
      tags: ['prod', 'web'],
      fields: { check: 'http http://10.0.0.7/health', device: 'web-1.lan (10.0.0.7)' },
    });
    const [up] = await drafts('check-state', ev('check.state_changed', checkDown({ previous: 'down', current: 'up', message: 'HTTP 200 in 12 ms', streak: 1 })));
    assert.equal(up!.key, 'check:c1:up');
    assert.equal(up!.severity, 'notice');
    assert.equal(up!.text, 'web-1 is up again: HTTP 200 in 12 ms');
    assert.deepEqual(await drafts('check-state', ev('check.state_changed', checkDown({ previous: 'unknown', current: 'up' }))), [], 'a new check that works is no news');
    assert.equal((await drafts('check-state', ev('check.state_changed', checkDown({ previous: 'unknown', current: 'down' }))))[0]!.key, 'check:c1:down', 'a new check that fails is');
    assert.deepEqual(await drafts('check-state', ev('check.state_changed', checkDown({ flapping: true }))), []);
  });

  it('check-flapping: one key per check while flapping', async () => {
    const [f] = await drafts('check-flapping', ev('check.state_changed', checkDown({ flapping: true })));
    assert.equal(f!.key, 'check:c1:flapping');
    assert.equal(f!.severity, 'warning');
    assert.equal(f!.title, 'web-1 is flapping');
    assert.deepEqual(await drafts('check-flapping', ev('check.state_changed', checkDown())), []);
  });

  it('device-state: only tracked devices, online ↔ offline', async () => {
    const off = ev('device.state_changed', { device: DEVICE, previous: 'online', current: 'offline', method: null, rtt_ms: null, scan_id: 's1' });
    const [d] = await drafts('device-state', off);
    assert.deepEqual(d, { key: 'device:7:offline', severity: 'warning', title: 'web-1.lan (10.0.0.7) is OFFLINE', text: 'web-1.lan (10.0.0.7) stopped answering discovery scans.', device: DEVICE, fields: { ip: '10.0.0.7', mac: 'aa:bb:cc:dd:ee:07' } });
    const on = ev('device.state_changed', { device: DEVICE, previous: 'offline', current: 'online', method: 'arp', rtt_ms: 1, scan_id: 's2' });
    assert.equal((await drafts('device-state', on))[0]!.text, 'web-1.lan (10.0.0.7) answers again (arp).');
    assert.equal((await drafts('device-state', ev('device.state_changed', { device: DEVICE, previous: 'unknown', current: 'offline', method: null, rtt_ms: null, scan_id: null })))[0]!.key, 'device:7:offline');
    assert.deepEqual(await drafts('device-state', ev('device.state_changed', { device: DEVICE, previous: 'unknown', current: 'online', method: 'arp', rtt_ms: 1, scan_id: null })), []);
    const other = ev('device.state_changed', { device: { ...DEVICE, id: 8, ip: '10.0.0.8', mac: null }, previous: 'online', current: 'offline', method: null, rtt_ms: null, scan_id: null });
    assert.deepEqual(await drafts('device-state', other), []);
  });

  it('new-device: the device, its MAC, vendor and how it answered', async () => {
    const [d] = await drafts('new-device', ev('device.discovered', { device: DEVICE, method: 'arp', rtt_ms: 0.4, scan_id: 's1' }));
    assert.equal(d!.key, 'device:7:new');
    assert.equal(d!.severity, 'notice');
    assert.equal(d!.title, 'New device web-1.lan (10.0.0.7)');
    assert.equal(d!.text, 'New device web-1.lan (10.0.0.7) on the network (MAC aa:bb:cc:dd:ee:07, vendor Acme); first answered arp in 0.4 ms.');
  });

  it('cert-expiring: warning, or critical once expired; throttled per day by default', async () => {
    const data = { check: CHECK, days_left: 5, not_after: '2026-03-06T00:00:00.000Z', subject: 'CN=web-1', issuer: 'CN=Test CA', threshold_days: 14 };
    const [w] = await drafts('cert-expiring', ev('check.cert_expiring', data));
    assert.equal(w!.key, 'cert:c1');
    assert.equal(w!.severity, 'warning');
    assert.equal(w!.title, 'TLS certificate of http://10.0.0.7/health expires in 5 days');
    const [x] = await drafts('cert-expiring', ev('check.cert_expiring', { ...data, days_left: 0 }));
    assert.equal(x!.severity, 'critical');
    assert.match(x!.title, /has EXPIRED$/);
    assert.equal(ruleSettings(rules.get('cert-expiring')!, notifyDefaults()).throttleMinutes, 1440);
  });

  it('job-failed: failed and timed_out runs only', async () => {
    const base = { job: { id: 'j1', name: 'nightly-scan', type: 'scan' }, run_id: 'r1', trigger: 'schedule' as const, attempt: 2, duration_ms: 1234.5 };
    const [f] = await drafts('job-failed', ev('job.run_finished', { ...base, status: 'failed', error: 'store locked' }));
    assert.deepEqual([f!.key, f!.severity, f!.title, f!.text], ['job:j1:failed', 'warning', 'Job nightly-scan failed', 'scan job nightly-scan failed after 1235 ms (attempt 2, schedule): store locked']);
    const [t] = await drafts('job-failed', ev('job.run_finished', { ...base, status: 'timed_out' }));
    assert.equal(t!.title, 'Job nightly-scan timed out');
    assert.deepEqual(await drafts('job-failed', ev('job.run_finished', { ...base, status: 'succeeded' })), []);
    assert.deepEqual(await drafts('job-failed', ev('job.run_finished', { ...base, status: 'skipped' })), []);
  });
});

describe('rule settings and the registry', () => {
  it('config overrides enabled and throttle per rule; unknown rule ids are config errors naming the key', () => {
    const cfg = { ...notifyDefaults(), throttleMinutes: 10, rules: { 'new-device': { enabled: false }, 'check-state': { throttleMinutes: 0 } } };
    assert.deepEqual(ruleSettings(rules.get('new-device')!, cfg), { enabled: false, throttleMinutes: 10 });
    assert.deepEqual(ruleSettings(rules.get('check-state')!, cfg), { enabled: true, throttleMinutes: 0 });
    assert.throws(() => checkRuleOverrides(rules, { ...cfg, rules: { 'new-devices': {} } }), (err: unknown) => {
      assert.ok(err instanceof LnmtError);
      assert.equal(err.code, 'LNMT_ERR_CONFIG');
      assert.equal(err.details[0]!.where, 'notify.rules.new-devices');
      assert.match(err.details[0]!.allowed!, /new-device/);
      return true;
    });
  });

  it('refuses duplicate and badly named rules', () => {
    const r = new RuleRegistry(BUILTIN_RULES);
    assert.throws(() => r.register(BUILTIN_RULES[0]!), /registered twice/);
    assert.throws(() => r.register({ ...BUILTIN_RULES[0]!, id: 'Bad_Id' }), /kebab-case/);
  });
});

describe('through the service', () => {
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of closers.reverse()) await c();
  });

  it('a flapping check is summarised: one alert, then one summary with the count, not one per change', async () => {
    const r = await httpReceiver();
    closers.push(r.close);
    const h = await harness({ env: { LNMT_NOTIFY__THROTTLE_MINUTES: '10' } });
    closers.push(h.close);
    await addWebhook(h, 'hook', r.url);
    for (let i = 0; i < 8; i++) {
      const down = i % 2 === 0;
      await h.publish('check.state_changed', checkDown({ previous: down ? 'up' : 'down', current: down ? 'down' : 'up', flapping: true }));
      h.clock.now += 30_000;
    }
    await r.waitFor(1);
    h.clock.now = T0 + 10 * 60_000;
    h.svc.sweep();
    const reqs = await r.waitFor(2);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(r.requests.length, 2);
    const [first, summary] = reqs.map((q) => JSON.parse(q.body));
    assert.deepEqual([first.rule, first.title, first.suppressed], ['check-flapping', 'web-1 is flapping', 0]);
    assert.deepEqual([summary.rule, summary.suppressed, summary.summary], ['check-flapping', 7, true]);
    assert.equal(summary.text, 'web-1 keeps changing state; now up: connection refused');
  });

  it('a rule registered by another area, for an event type of its own, works without any change here', async () => {
    const r = await httpReceiver();
    closers.push(r.close);
    const honeypotLogin: AlertRule = {
      id: 'honeypot-login',
      description: 'a login attempt on a honeypot',
      events: ['honeypot.login'],
      map: (e) => [{ key: `hp:${(e as unknown as { data: { src_ip: string } }).data.src_ip}`, severity: 'critical', title: 'Honeypot login', text: 'someone tried to log in' }],
    };
    const registry = builtinRules();
    registry.register(honeypotLogin);
    const h = await harness({ rules: registry, yaml: 'notify:\n  rules:\n    honeypot-login: { throttleMinutes: 0 }\n' });
    closers.push(h.close);
    await addWebhook(h, 'hook', r.url, { events: ['honeypot.*'] });
    const e = { id: '01900000-0000-7000-8000-00000000abcd', type: 'honeypot.login', time: new Date(T0).toISOString(), sensor: 'hp-1', data: { src_ip: '203.0.113.9' } };
    await h.bus.publish([e as unknown as AnyEvent]);
    await h.bus.publish([ev('device.discovered', { device: DEVICE, method: 'arp', rtt_ms: null, scan_id: null })]);
    const [req] = await r.waitFor(1);
    await h.settle();
    assert.equal(r.requests.length, 1, 'the filter kept device.discovered out');
    const body = JSON.parse(req!.body);
    assert.deepEqual([body.rule, body.key, body.event.type, body.event.sensor], ['honeypot-login', 'hp:203.0.113.9', 'honeypot.login', 'hp-1']);
  });
});
