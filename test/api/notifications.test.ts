/** `/api/notifications`: channels CRUD with masked secrets, test sends to a real receiver, rules, the delivery log. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeEvent, type AnyEvent } from '../../src/core/events.js';
import { httpReceiver, refusedPort } from '../notify/helpers.js';
import { makeApi, type TestApi } from './helpers.js';

const BASE = '/api/notifications';
let api: TestApi;
let rx: Awaited<ReturnType<typeof httpReceiver>>;
let yamlDir: string;

before(async () => {
  rx = await httpReceiver();
  yamlDir = mkdtempSync(join(tmpdir(), 'lnmt-api-notify-'));
  const file = join(yamlDir, 'lnmt.yaml');
  writeFileSync(file, 'notify:\n  throttleMinutes: 0\n  channels:\n    - { name: from-config, type: log, settings: {} }\n');
  api = await makeApi({ LNMT_CONFIG: file });
});
after(async () => {
  await api.close();
  await rx.close();
  rmSync(yamlDir, { recursive: true, force: true });
});

const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, role: 'admin' | 'viewer' = 'admin') =>
  api.app.inject({ method, url, headers: api.auth(role), ...(payload === undefined ? {} : { payload: payload as object }) });

describe('channels', () => {
  let hookId: string;

  it('POST creates a channel (admin): 201, Location, secrets masked in the answer', async () => {
    const r = await req('POST', `${BASE}/channels`, { name: 'hook', type: 'webhook', settings: { url: `${rx.url}/in`, secret: 'sekret', headers: { 'X-Token': 'tok' } }, filter: { events: ['check.*', 'device.*'] } });
    assert.equal(r.statusCode, 201, r.body);
    const c = r.json();
    hookId = c.id;
    assert.equal(r.headers.location, `${BASE}/channels/${c.id}`);
    assert.deepEqual({ ...c, id: 'x', created_at: 'x', updated_at: 'x' }, {
      id: 'x', name: 'hook', type: 'webhook', enabled: true, source: 'store',
      settings: { url: `${rx.url}/in`, secret: '***', headers: { 'X-Token': '***' } },
      filter: { events: ['check.*', 'device.*'] }, problem: null, created_at: 'x', updated_at: 'x',
    });
    assert.ok(!r.body.includes('sekret') && !r.body.includes('"tok"'));
  });

  it('a viewer may read but not write', async () => {
    assert.equal((await req('GET', `${BASE}/channels`, undefined, 'viewer')).statusCode, 200);
    const r = await req('POST', `${BASE}/channels`, { name: 'v', type: 'log' }, 'viewer');
    assert.equal(r.statusCode, 403);
    assert.equal((await req('POST', `${BASE}/channels/hook/test`, undefined, 'viewer')).statusCode, 403);
  });

  it('GET lists store and config channels; GET one by id or name', async () => {
    const list = (await req('GET', `${BASE}/channels`, undefined, 'viewer')).json();
    assert.deepEqual(list.items.map((c: { name: string; source: string; id: string }) => [c.name, c.source]), [['from-config', 'config'], ['hook', 'store']]);
    assert.equal(list.items[0].id, 'config:from-config');
    assert.equal((await req('GET', `${BASE}/channels/hook`)).json().id, hookId);
    assert.equal((await req('GET', `${BASE}/channels/${hookId}`)).json().name, 'hook');
    const missing = await req('GET', `${BASE}/channels/nope`);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().details[0].where, 'params.id');
  });

  it('400 names each bad field: type, settings, filter', async () => {
    const r = await req('POST', `${BASE}/channels`, { name: 'x', type: 'email', settings: { host: 'smtp.example.org', from: 'nobody', to: [] } });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().code, 'LNMT_ERR_VALIDATION');
    assert.deepEqual(r.json().details.map((d: { where: string }) => d.where), ['body.settings.from', 'body.settings.to']);
    const t = await req('POST', `${BASE}/channels`, { name: 'x', type: 'pager', settings: {} });
    assert.equal(t.statusCode, 400);
    assert.equal(t.json().details[0].where, 'body.type');
    const f = await req('POST', `${BASE}/channels`, { name: 'x', type: 'log', filter: { minSeverity: 'loud', devices: ['not-a-device'] } });
    assert.equal(f.statusCode, 400);
    assert.equal(f.json().details[0].where, 'body.filter.minSeverity');
    const d = await req('POST', `${BASE}/channels`, { name: 'x', type: 'log', filter: { devices: ['not-a-device'] } });
    assert.deepEqual(d.json().details.map((x: { where: string }) => x.where), ['body.filter.devices[0]']);
  });

  it('PATCH merges settings (a masked secret sent back is kept), renames, disables; conflicts are 409', async () => {
    const current = (await req('GET', `${BASE}/channels/hook`)).json();
    const r = await req('PATCH', `${BASE}/channels/hook`, { settings: { ...current.settings, headers: { 'X-Token': '***', 'X-Extra': '1' } }, enabled: false });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().settings, { url: `${rx.url}/in`, secret: '***', headers: { 'X-Token': '***', 'X-Extra': '***' } });
    assert.equal(r.json().enabled, false);
    const stored = await api.ctx.notify.channels.get('hook', 'x');
    assert.deepEqual(stored.settings, { url: `${rx.url}/in`, secret: 'sekret', headers: { 'X-Token': 'tok', 'X-Extra': '1' } });
    const clash = await req('PATCH', `${BASE}/channels/hook`, { name: 'from-config' });
    assert.equal(clash.statusCode, 409);
    assert.equal(clash.json().details[0].where, 'body.name');
    const ro = await req('PATCH', `${BASE}/channels/from-config`, { enabled: false });
    assert.equal(ro.statusCode, 409);
    assert.match(ro.json().message, /declared in the config file/);
    const empty = await req('PATCH', `${BASE}/channels/hook`, {});
    assert.equal(empty.statusCode, 400);
    assert.equal((await req('PATCH', `${BASE}/channels/hook`, { enabled: true })).json().enabled, true);
  });

  it('POST /:id/test sends a test message now and reports the result; failures are 200 with status failed', async () => {
    const r = await req('POST', `${BASE}/channels/hook/test`);
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json();
    assert.deepEqual({ ...res, latency_ms: 0 }, { channel: { id: hookId, name: 'hook', type: 'webhook' }, status: 'sent', attempts: 1, latency_ms: 0, detail: 'HTTP 204', error: null });
    const got = JSON.parse(rx.requests.at(-1)!.body);
    assert.deepEqual([got.rule, got.key, got.title, got.event], ['test', 'test:hook', 'LNMT test message', null]);
    assert.equal(rx.requests.at(-1)!.headers['x-token'], 'tok');
    assert.ok(rx.requests.at(-1)!.headers['x-lnmt-signature']);

    const port = await refusedPort();
    assert.equal((await req('POST', `${BASE}/channels`, { name: 'dead', type: 'syslog', settings: { host: '127.0.0.1', port, transport: 'tcp' } })).statusCode, 201);
    const dead = (await req('POST', `${BASE}/channels/dead/test`)).json();
    assert.equal(dead.status, 'failed');
    assert.match(dead.error, /ECONNREFUSED/);
  });

  it('DELETE removes (204), then 404; config channels cannot be removed (409)', async () => {
    assert.equal((await req('DELETE', `${BASE}/channels/dead`)).statusCode, 204);
    assert.equal((await req('DELETE', `${BASE}/channels/dead`)).statusCode, 404);
    assert.equal((await req('DELETE', `${BASE}/channels/config:from-config`)).statusCode, 409);
  });
});

describe('rules and the delivery log', () => {
  it('GET /rules lists the rules with their effective settings', async () => {
    const r = (await req('GET', `${BASE}/rules`, undefined, 'viewer')).json();
    const byId = Object.fromEntries(r.items.map((x: { id: string }) => [x.id, x]));
    assert.deepEqual(Object.keys(byId).sort(), ['cert-expiring', 'check-flapping', 'check-state', 'decision-added', 'device-state', 'job-failed', 'new-device', 'threat-detected']);
    assert.deepEqual({ enabled: byId['check-state'].enabled, throttle: byId['check-state'].throttleMinutes, events: byId['check-state'].events }, { enabled: true, throttle: 0, events: ['check.state_changed'] });
    assert.equal(byId['cert-expiring'].throttleMinutes, 1440);
  });

  it('GET /log shows deliveries of the running pipeline, newest first, filtered by channel and status, paged', async () => {
    await api.ctx.notify.start();
    try {
      const device = { id: 1, ip: '10.9.0.1', mac: null, vendor: null, hostname: null };
      const evs = [
        makeEvent('device.discovered', { device, method: 'arp', rtt_ms: null, scan_id: null }, { sensor: 't' }),
        makeEvent('check.state_changed', { check: { id: 'k', name: 'k', type: 'tcp', target: 'x:1', device_id: null }, previous: 'up', current: 'down', message: 'refused', streak: 1, flapping: false, device: null }, { sensor: 't' }),
      ] as AnyEvent[];
      await api.ctx.bus.publish(evs);
      await rx.waitFor(3); // the test message before, then the two alerts
      await api.ctx.bus.drain();
      for (let i = 0; i < 50 && api.ctx.notify.queueDepths().hook !== 0; i++) await new Promise((r) => setTimeout(r, 10));
      await api.ctx.notify.flushLog();
    } finally {
      await api.ctx.notify.stop();
    }
    const all = (await req('GET', `${BASE}/log?channel=hook`, undefined, 'viewer')).json();
    assert.equal(all.total, 3);
    assert.deepEqual(all.items.map((i: { rule: string; status: string }) => [i.rule, i.status]).sort(), [['check-state', 'sent'], ['new-device', 'sent'], ['test', 'sent']]);
    const item = all.items.find((i: { rule: string }) => i.rule === 'new-device');
    assert.equal(item.channel_name, 'hook');
    assert.equal(item.alert_key, 'device:1:new');
    assert.match(item.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(item.detail, 'HTTP 204');
    assert.equal(item.attempts, 1);
    assert.equal(typeof item.latency_ms, 'number');
    const configLog = (await req('GET', `${BASE}/log?channel=from-config`)).json();
    assert.equal(configLog.total, 2, 'the config log channel got both alerts');
    const failed = (await req('GET', `${BASE}/log?status=failed`)).json();
    assert.deepEqual(failed.items.map((i: { channel_name: string; rule: string }) => [i.channel_name, i.rule]), [['dead', 'test']], 'a removed channel keeps its log');
    const page = (await req('GET', `${BASE}/log?limit=2&offset=1`)).json();
    assert.deepEqual([page.items.length, page.limit, page.offset, page.total], [2, 2, 1, 6]);
    const bad = await req('GET', `${BASE}/log?status=lost&limit=0`);
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().details.map((d: { where: string }) => d.where).sort(), ['query.limit', 'query.status']);
  });
});
