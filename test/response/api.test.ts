/**
 * `/api/decisions` and `/api/blocklist` through Fastify's inject: create / list / delete, errors that name the
 * field (bad target, bad duration, allowlist), roles, every blocklist format, ETag + If-None-Match (304), and
 * the `?since=` stream. Also the `threat-detected` alert rule: one alert per attacker + rule per window, the
 * rest counted into a summary by the notifier's throttle.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeEvent, type AnyEvent } from '../../src/core/events.js';
import { Throttle } from '../../src/notify/throttle.js';
import type { Alert } from '../../src/notify/alert.js';
import { threatAlertRule } from '../../src/response/alerts/threat-alert-rule.js';
import { etagMatches } from '../../src/api/routes/decisions.js';
import { makeApi, type TestApi } from '../api/helpers.js';

describe('decisions API', () => {
  let api: TestApi;
  before(async () => {
    api = await makeApi({ LNMT_RESPONSE__ALLOWLIST: '192.0.2.0/24' });
  });
  after(async () => {
    await api?.close();
  });
  const post = (payload: unknown, role: 'admin' | 'viewer' = 'admin') => api.app.inject({ method: 'POST', url: '/api/decisions', headers: api.auth(role), payload: payload as object });

  it('POST creates (201), repeats return the decision in force (200), GET lists and reads it', async () => {
    const r = await post({ target: '203.0.113.10', duration: '2h', reason: 'scanner' });
    assert.equal(r.statusCode, 201, r.body);
    const d = r.json<{ id: string; target: string; action: string; origin: string; expires_at: string }>();
    assert.equal(d.origin, 'api');
    assert.equal(d.action, 'ban');
    assert.ok(Date.parse(d.expires_at) > Date.now() + 7_000_000);
    assert.equal((await post({ target: '203.0.113.10', duration: '1h' })).statusCode, 200);
    const list = await api.app.inject({ method: 'GET', url: '/api/decisions', headers: api.auth() });
    assert.equal(list.json<{ total: number }>().total, 1);
    const one = await api.app.inject({ method: 'GET', url: `/api/decisions/${d.id}`, headers: api.auth() });
    assert.equal(one.json<{ reason: string }>().reason, 'scanner');
    assert.equal((await post({ target: '2001:db8::/32', action: 'tag', duration: 'permanent' })).statusCode, 201);
  });

  it('errors name the field: bad target, bad duration, unknown field, allowlist entry; viewers may not write', async () => {
    const bad = await post({ target: 'example.com' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ details: Array<{ where: string }> }>().details[0]!.where, 'body.target');
    const dur = await post({ target: '203.0.113.11', duration: '5 minutes' });
    assert.equal(dur.statusCode, 400);
    assert.equal(dur.json<{ details: Array<{ where: string }> }>().details[0]!.where, 'body.duration');
    const extra = await post({ target: '203.0.113.11', ttl: 5 });
    assert.equal(extra.statusCode, 400);
    const allow = await post({ target: '192.0.2.77' });
    assert.equal(allow.statusCode, 409);
    assert.match(allow.json<{ message: string }>().message, /allowlist \(response\.allowlist\[0\]: 192\.0\.2\.0\/24\)/);
    assert.equal((await post({ target: '203.0.113.12' }, 'viewer')).statusCode, 403);
  });

  it('blocklist in every format, with ETag / If-None-Match and the ?since= stream', async () => {
    const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers: { ...api.auth(), ...headers } });
    const plain = await get('/api/blocklist');
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.body, '203.0.113.10\n'); // the tag is not on the blocklist
    assert.match(String(plain.headers['content-type']), /text\/plain/);
    const etag = String(plain.headers.etag);
    assert.match(etag, /^W\/"\d+\.1\.plain"$/);
    const cursor = String(plain.headers['x-lnmt-cursor']);
    const again = await get('/api/blocklist', { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal(etagMatches(`"x", ${etag.replace('W/', '')}`, etag), true);
    for (const [format, check] of [
      ['json', (b: string) => assert.equal(JSON.parse(b).items[0].target, '203.0.113.10')],
      ['nft', (b: string) => assert.match(b, /add element inet lnmt_response banned \{\n {2}203\.0\.113\.10 timeout \d+s\n\}/)],
      ['ipset', (b: string) => assert.match(b, /add banned 203\.0\.113\.10 timeout \d+ -exist/)],
      ['stix', (b: string) => assert.equal(JSON.parse(b).objects[1].pattern, "[ipv4-addr:value = '203.0.113.10']")],
    ] as const) {
      const r = await get(`/api/blocklist?format=${format}`);
      assert.equal(r.statusCode, 200, `${format}: ${r.body}`);
      check(r.body);
      assert.notEqual(r.headers.etag, etag);
    }
    assert.equal((await get('/api/blocklist?format=csv')).statusCode, 400);

    // A change moves the ETag; ?since= gives exactly it.
    assert.equal((await post({ target: '198.51.100.0/24', duration: '1h' })).statusCode, 201);
    assert.equal((await api.app.inject({ method: 'DELETE', url: '/api/decisions/203.0.113.10', headers: api.auth('admin') })).statusCode, 204);
    assert.equal((await get('/api/blocklist', { 'if-none-match': etag })).statusCode, 200);
    const since = await get(`/api/blocklist?format=json&since=${cursor}`);
    const c = since.json<{ cursor: string; reset: boolean; changes: Array<{ op: string; target: string }> }>();
    assert.equal(c.reset, false);
    assert.deepEqual(c.changes.map((x) => `${x.op} ${x.target}`), ['add 198.51.100.0/24', 'remove 203.0.113.10']);
    const text = await get(`/api/blocklist?since=${cursor}`);
    assert.equal(text.body, `# cursor ${c.cursor}\n+198.51.100.0/24\n-203.0.113.10\n`);
    const none = await get(`/api/blocklist?format=json&since=${c.cursor}`);
    assert.deepEqual(none.json<{ changes: unknown[] }>().changes, []);
    assert.equal((await get(`/api/blocklist?format=nft&since=${cursor}`)).statusCode, 400);
    const del404 = await api.app.inject({ method: 'DELETE', url: '/api/decisions/203.0.113.10', headers: api.auth('admin') });
    assert.equal(del404.statusCode, 404);
  });
});

describe('threat-detected alerts', () => {
  const ev = (src_ip: string, rule: string, i: number): AnyEvent =>
    makeEvent('threat.detected', { rule, rule_type: 'bruteforce', severity: 'high', src_ip, score: 12.5, summary: `attempt ${i}`, evidence: ['e1'], sensors: ['s1'] }, { sensor: 's1', now: 1_000 + i }) as AnyEvent;

  it('keys alerts by attacker and rule; the throttle sends one per window and summarises the rest', async () => {
    let now = 0;
    const throttle = new Throttle(() => now);
    const sent: string[] = [];
    const window = (threatAlertRule.defaultThrottleMinutes ?? 0) * 60_000;
    for (const [i, [ip, rule]] of ([['203.0.113.1', 'ssh-brute'], ['203.0.113.1', 'ssh-brute'], ['203.0.113.1', 'port-scan'], ['203.0.113.2', 'ssh-brute'], ['203.0.113.1', 'ssh-brute']] as const).entries()) {
      const [draft] = await threatAlertRule.map(ev(ip, rule, i), { checkTags: async () => [], isTracked: () => false });
      const alert = { ...draft!, rule: threatAlertRule.id, device: null, check: null, tags: [], fields: {}, time: '', event: null, suppressed: 0, summary: false } as Alert;
      if (throttle.admit(draft!.key, window, alert).send) sent.push(draft!.key);
    }
    assert.deepEqual(sent, ['threat:203.0.113.1:ssh-brute', 'threat:203.0.113.1:port-scan', 'threat:203.0.113.2:ssh-brute']);
    now = window;
    const summaries = throttle.sweep();
    assert.deepEqual(summaries.map((s) => [s.key, s.suppressed, s.summary]), [['threat:203.0.113.1:ssh-brute', 2, true]]);
  });

  it('names an internal host with what the inventory knows', async () => {
    const e = makeEvent('threat.detected', { rule: 'honeypot-login', rule_type: 'login', severity: 'medium', src_ip: '10.0.0.5', score: 3, summary: 'logged in', evidence: [], sensors: ['s1'], device: { id: 7, ip: '10.0.0.5', hostname: 'nas.lan', mac: 'aa:bb:cc:dd:ee:ff', vendor: 'Synology', first_seen: '2025-01-01T00:00:00.000Z' } }, { sensor: 's1' }) as AnyEvent;
    const [d] = await threatAlertRule.map(e, { checkTags: async () => [], isTracked: () => false });
    assert.equal(d!.severity, 'critical');
    assert.match(d!.title, /^Internal host nas\.lan \(10\.0\.0\.5\)/);
    assert.match(d!.text, /INTERNAL HOST: .*device #7.*MAC aa:bb:cc:dd:ee:ff \(Synology\), first seen 2025-01-01/);
  });
});
