import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { T0, makeApi, observations, seed, type TestApi } from './helpers.js';
import type { DeviceView } from '../../src/views/device-view.js';

const N = 300;
// Ground truth of the seeded data (see helpers.observations/seed).
const truth = observations(N).map((o, i) => ({
  ip: o.ip,
  hostname: o.hostname!,
  status: i % 3 === 0 ? 'offline' : 'online',
  vendor: i % 2 === 0 ? 'Apple, Inc.' : null,
  rtt: o.rtt_ms!,
  firstSeen: o.time,
}));
const ipNum = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);

type Device = DeviceView;
interface Page {
  items: Device[];
  total: number;
  limit: number;
  offset: number;
}

describe('devices API', () => {
  let t: TestApi;
  const list = async (qs: string, role: 'viewer' | 'admin' = 'viewer'): Promise<Page> => {
    const r = await t.app.inject({ url: `/api/devices${qs}`, headers: t.auth(role) });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as Page;
  };

  before(async () => {
    t = await makeApi();
    await seed(t.ctx, N);
  });
  after(() => t.close());

  it('lists the first page with the default limit, sorted by IP, with the total', async () => {
    const p = await list('');
    assert.equal(p.total, N);
    assert.equal(p.limit, 50);
    assert.equal(p.offset, 0);
    assert.equal(p.items.length, 50);
    assert.deepEqual(p.items.map((d) => d.ip), truth.slice(0, 50).map((d) => d.ip));
  });

  it('shows devices as API JSON: ISO timestamps, mac_private boolean, no internal keys', async () => {
    const [d0, d1] = (await list('?limit=2')).items;
    assert.ok(d0 && d1);
    assert.equal(d0.ip, '10.0.0.1');
    assert.equal(d0.mac, '00:1b:63:00:00:01');
    assert.equal(d0.vendor, 'Apple, Inc.');
    assert.equal(d0.mac_private, false);
    assert.equal(d1.mac_private, true);
    assert.equal(d1.vendor, null);
    assert.equal(d0.status, 'offline');
    assert.equal(d0.first_seen, new Date(T0).toISOString());
    assert.match(d0.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal('ip_key' in d0, false);
    assert.deepEqual(Object.keys(d0).sort(), ['created_at', 'first_seen', 'hostname', 'id', 'ip', 'last_checked', 'last_seen', 'mac', 'mac_private', 'method', 'name', 'notes', 'rtt_ms', 'source', 'status', 'updated_at', 'vendor']);
  });

  it('paginates with limit and offset without gaps or overlaps', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < N; offset += 70) {
      const p = await list(`?limit=70&offset=${offset}`);
      assert.equal(p.total, N);
      assert.equal(p.offset, offset);
      seen.push(...p.items.map((d) => d.ip));
    }
    assert.deepEqual(seen, truth.map((d) => d.ip));
    const past = await list('?offset=5000');
    assert.equal(past.items.length, 0);
    assert.equal(past.total, N);
    assert.equal((await list('?limit=1000')).items.length, N);
  });

  it('sorts IPs numerically, not as text', async () => {
    const p = await list('?limit=1000&order=desc');
    const ips = p.items.map((d) => d.ip);
    assert.deepEqual(ips, [...truth.map((d) => d.ip)].sort((a, b) => ipNum(b) - ipNum(a)));
    assert.equal(ips[0], '10.0.1.44'); // 300 → 10.0.1.44 beats 10.0.0.255
  });

  it('sorts by hostname, rtt_ms and first_seen in both directions', async () => {
    const byHost = (await list('?limit=10&sort=hostname&order=desc')).items.map((d) => d.hostname);
    assert.deepEqual(byHost, truth.map((d) => d.hostname).sort().reverse().slice(0, 10));
    const rtts = (await list('?limit=1000&sort=rtt_ms')).items.map((d) => d.rtt_ms!);
    assert.deepEqual(rtts, [...rtts].sort((a, b) => a - b));
    assert.equal(rtts[0], 0.5);
    const first = (await list('?limit=3&sort=first_seen&order=desc')).items.map((d) => d.ip);
    assert.deepEqual(first, truth.slice(-3).reverse().map((d) => d.ip));
  });

  it('filters by status, vendor, subnet and free text, with matching totals', async () => {
    const offline = await list('?status=offline&limit=1000');
    const expectOffline = truth.filter((d) => d.status === 'offline');
    assert.equal(offline.total, expectOffline.length);
    assert.deepEqual(offline.items.map((d) => d.ip), expectOffline.map((d) => d.ip));
    assert.ok(offline.items.every((d) => d.status === 'offline'));

    const apple = await list('?vendor=apple&limit=1000');
    assert.equal(apple.total, truth.filter((d) => d.vendor).length);
    assert.ok(apple.items.every((d) => d.vendor === 'Apple, Inc.'));

    const sub = await list('?subnet=10.0.1.0/24&limit=1000');
    const expectSub = truth.filter((d) => d.ip.startsWith('10.0.1.'));
    assert.equal(sub.total, expectSub.length);
    assert.deepEqual(sub.items.map((d) => d.ip), expectSub.map((d) => d.ip));
    assert.equal((await list('?subnet=10.0.0.0/30')).total, 3); // .1 .2 .3

    const q = await list('?q=HOST-012');
    assert.deepEqual(q.items.map((d) => d.hostname), truth.filter((d) => d.hostname.includes('host-012')).map((d) => d.hostname));
    assert.equal(q.total, 10);

    const combined = await list('?status=online&vendor=apple&subnet=10.0.0.0/24&limit=1000');
    const expectCombined = truth.filter((d) => d.status === 'online' && d.vendor && d.ip.startsWith('10.0.0.'));
    assert.equal(combined.total, expectCombined.length);
    assert.deepEqual(combined.items.map((d) => d.ip), expectCombined.map((d) => d.ip));

    // Wildcard characters are matched literally.
    assert.equal((await list('?q=%25')).total, 0);
    assert.equal((await list('?q=_')).total, 0);
  });

  it('answers ETag revalidation with 304 and sees writes at once (no stale cached page)', async () => {
    const r1 = await t.app.inject({ url: '/api/devices?limit=5', headers: t.auth() });
    const etag = r1.headers.etag as string;
    assert.match(etag, /^W\/".+"$/);
    const r2 = await t.app.inject({ url: '/api/devices?limit=5', headers: { ...t.auth(), 'if-none-match': etag } });
    assert.equal(r2.statusCode, 304);
    assert.equal(r2.body, '');

    const add = await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: '10.0.0.0' } });
    assert.equal(add.statusCode, 201, add.body);
    const r3 = await t.app.inject({ url: '/api/devices?limit=5', headers: { ...t.auth(), 'if-none-match': etag } });
    assert.equal(r3.statusCode, 200);
    const p = r3.json() as Page;
    assert.equal(p.total, N + 1);
    assert.equal(p.items[0]!.ip, '10.0.0.0');
    const del = await t.app.inject({ method: 'DELETE', url: `/api/devices/${(add.json() as Device).id}`, headers: t.auth('admin') });
    assert.equal(del.statusCode, 204);
    assert.equal((await list('?limit=5')).total, N);
  });

  it('sees status observations written by the tracker in list pages', async () => {
    const before = (await list('?status=offline')).total;
    const o = observations(1)[0]!; // 10.0.0.1, offline after seeding
    await t.ctx.tracker.observe([{ ...o, up: true, time: T0 + 7_200_000 }]);
    assert.equal((await list('?status=offline')).total, before - 1);
    const d = (await list('?limit=1')).items[0]!;
    assert.equal(d.status, 'online');
    assert.equal(d.last_seen, new Date(T0 + 7_200_000).toISOString());
    await t.ctx.tracker.observe([{ ...o, up: false, time: T0 + 7_300_000 }]);
    assert.equal((await list('?status=offline')).total, before);
  });

  it('shows one device with its recent status history, newest first', async () => {
    const id = (await list('?limit=1&q=host-0003.lan')).items[0]!.id; // i=3: online, then offline
    const r = await t.app.inject({ url: `/api/devices/${id}`, headers: t.auth() });
    assert.equal(r.statusCode, 200);
    const d = r.json() as Device & { history: Array<{ time: string; status: string; rtt_ms: number | null }> };
    assert.equal(d.ip, '10.0.0.4');
    assert.equal(d.history.length, 2);
    assert.deepEqual(d.history.map((h) => h.status), ['offline', 'online']);
    assert.equal(d.history[1]!.time, new Date(T0 + 3000).toISOString());
    const one = (await t.app.inject({ url: `/api/devices/${id}?history=1`, headers: t.auth() })).json() as { history: unknown[] };
    assert.equal(one.history.length, 1);
    const none = (await t.app.inject({ url: `/api/devices/${id}?history=0`, headers: t.auth() })).json() as { history: unknown[] };
    assert.deepEqual(none.history, []);
    const missing = await t.app.inject({ url: '/api/devices/999999', headers: t.auth() });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'LNMT_ERR_NOT_FOUND');
    assert.equal(missing.json().details[0].where, 'params.id');
  });

  it('adds a device by hand (201, Location, vendor from the MAC) and refuses duplicates (409)', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: '192.168.50.10', mac: '00-1B-63-AA-BB-CC', hostname: 'nas.lan', name: 'NAS', notes: 'rack 2' } });
    assert.equal(r.statusCode, 201, r.body);
    const d = r.json() as Device;
    assert.equal(r.headers.location, `/api/devices/${d.id}`);
    assert.equal(d.mac, '00:1b:63:aa:bb:cc');
    assert.equal(d.vendor, 'Apple, Inc.');
    assert.equal(d.source, 'manual');
    assert.equal(d.status, 'unknown');
    assert.equal(d.name, 'NAS');
    assert.equal(d.notes, 'rack 2');
    const got = (await t.app.inject({ url: `/api/devices/${d.id}`, headers: t.auth() })).json() as Device;
    assert.equal(got.hostname, 'nas.lan');

    const dup = await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: '192.168.50.10' } });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'LNMT_ERR_CONFLICT');
    assert.equal(dup.json().details[0].where, 'body.ip');

    const v6 = await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: 'FD00:0:0::1' } });
    assert.equal(v6.statusCode, 201, v6.body);
    assert.equal((v6.json() as Device).ip, 'fd00::1');
  });

  it('edits a device (PATCH): changes fields, null clears, 404 for unknown, 409 for a taken IP', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: '192.168.60.1', hostname: 'old.lan', notes: 'x' } })).json() as Device;
    const r = await t.app.inject({ method: 'PATCH', url: `/api/devices/${created.id}`, headers: t.auth('admin'), payload: { ip: '192.168.60.2', hostname: null, name: 'printer', mac: '02:11:22:33:44:55' } });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json() as Device;
    assert.equal(d.ip, '192.168.60.2');
    assert.equal(d.hostname, null);
    assert.equal(d.name, 'printer');
    assert.equal(d.notes, 'x');
    assert.equal(d.mac_private, true);
    assert.equal((await list('?q=192.168.60.1')).total, 0);
    assert.equal((await list('?q=192.168.60.2')).total, 1);

    const missing = await t.app.inject({ method: 'PATCH', url: '/api/devices/999999', headers: t.auth('admin'), payload: { name: 'x' } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().details[0].where, 'params.id');
    const taken = await t.app.inject({ method: 'PATCH', url: `/api/devices/${created.id}`, headers: t.auth('admin'), payload: { ip: '10.0.0.1' } });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().details[0].where, 'body.ip');
  });

  it('removes a device (204), then 404', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: '192.168.70.1' } })).json() as Device;
    const del = await t.app.inject({ method: 'DELETE', url: `/api/devices/${created.id}`, headers: t.auth('admin') });
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    assert.equal((await t.app.inject({ url: `/api/devices/${created.id}`, headers: t.auth() })).statusCode, 404);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/devices/${created.id}`, headers: t.auth('admin') });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().code, 'LNMT_ERR_NOT_FOUND');
  });
});
