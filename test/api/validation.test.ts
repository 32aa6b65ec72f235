import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeApi, seed, type TestApi } from './helpers.js';

interface ErrBody {
  code: string;
  error: string;
  message: string;
  details: Array<{ where: string; value?: unknown; allowed?: string; message: string }>;
}

describe('API input validation and error shape', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    await seed(t.ctx, 20);
  });
  after(() => t.close());

  async function bad(opts: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string> }, status = 400): Promise<ErrBody> {
    const r = await t.app.inject({ method: opts.method ?? 'GET', url: opts.url, headers: { ...t.auth('admin'), ...opts.headers }, ...(opts.payload !== undefined ? { payload: opts.payload as object } : {}) });
    assert.equal(r.statusCode, status, r.body);
    assert.match(r.headers['content-type'] as string, /^application\/json/);
    const body = r.json() as ErrBody;
    assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'error', 'message']);
    assert.doesNotMatch(r.body, /\bat .+:\d+:\d+|node_modules|\.ts:\d+/, 'no stack trace or source paths');
    return body;
  }
  const detail = (b: ErrBody, where: string) => {
    const d = b.details.find((x) => x.where === where);
    assert.ok(d, `expected a detail for ${where}, got ${JSON.stringify(b.details)}`);
    return d;
  };

  it('names each bad query parameter with its value and what is allowed', async () => {
    const b = await bad({ url: '/api/devices?limit=abc&offset=-1&status=up&sort=speed&order=sideways' });
    assert.equal(b.code, 'LNMT_ERR_VALIDATION');
    assert.equal(b.error, 'Invalid input');
    assert.deepEqual(b.details.map((d) => d.where).sort(), ['query.limit', 'query.offset', 'query.order', 'query.sort', 'query.status']);
    assert.equal(detail(b, 'query.limit').value, 'abc');
    assert.equal(detail(b, 'query.limit').allowed, 'an integer from 1 to 1000');
    assert.equal(detail(b, 'query.status').allowed, 'one of "online", "offline", "unknown"');
    assert.match(detail(b, 'query.sort').allowed!, /"last_seen"/);
    assert.match(b.message, /query\.limit/);
  });

  it('rejects limits out of range and non-integers', async () => {
    for (const v of ['0', '1001', '2.5', '']) {
      const b = await bad({ url: `/api/devices?limit=${v}` });
      assert.equal(detail(b, 'query.limit').value, v);
    }
  });

  it('reports unknown query parameters instead of ignoring them', async () => {
    const b = await bad({ url: '/api/devices?stauts=online' });
    const d = detail(b, 'query.stauts');
    assert.equal(d.message, 'unknown parameter');
    assert.match(d.allowed!, /status/);
  });

  it('checks the subnet is a CIDR', async () => {
    for (const v of ['10.0.0.0', '10.0.0.0/33', 'lan', '10.0.0.0/8/8']) {
      const b = await bad({ url: `/api/devices?subnet=${encodeURIComponent(v)}` });
      assert.equal(detail(b, 'query.subnet').value, v);
    }
  });

  it('checks path parameters', async () => {
    const b = await bad({ url: '/api/devices/abc' });
    assert.equal(detail(b, 'params.id').value, 'abc');
    await bad({ url: '/api/devices/0' });
    await bad({ url: '/api/devices/1?history=-3' });
    const s = await bad({ url: '/api/scans/not-a-uuid' });
    assert.equal(detail(s, 'params.id').value, 'not-a-uuid');
  });

  it('names missing, mistyped and unknown body fields (no coercion of JSON bodies)', async () => {
    const missing = await bad({ method: 'POST', url: '/api/devices', payload: { hostname: 'x' } });
    assert.equal(detail(missing, 'body.ip').message, 'required');

    const typed = await bad({ method: 'POST', url: '/api/devices', payload: { ip: 5, mac: false, name: ['a'], colour: 'red' } });
    assert.equal(detail(typed, 'body.ip').value, 5);
    assert.equal(detail(typed, 'body.mac').value, false);
    assert.match(detail(typed, 'body.mac').allowed!, /or null/);
    assert.deepEqual(detail(typed, 'body.name').value, ['a']);
    assert.equal(detail(typed, 'body.colour').message, 'unknown field');
    assert.equal(typed.details.length, 4);

    const long = await bad({ method: 'POST', url: '/api/devices', payload: { ip: '10.9.9.9', notes: 'x'.repeat(5000) } });
    assert.match(detail(long, 'body.notes').allowed!, /at most 4000/);
  });

  it('checks IP and MAC values with the field named', async () => {
    const ip = await bad({ method: 'POST', url: '/api/devices', payload: { ip: '10.0.0.300' } });
    assert.equal(ip.code, 'LNMT_ERR_VALIDATION');
    assert.deepEqual(detail(ip, 'body.ip'), { where: 'body.ip', value: '10.0.0.300', message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' });
    const mac = await bad({ method: 'POST', url: '/api/devices', payload: { ip: '10.0.0.200', mac: 'zz:zz' } });
    assert.equal(detail(mac, 'body.mac').value, 'zz:zz');
    const patch = await bad({ method: 'PATCH', url: '/api/devices/1', payload: { ip: 'nope' } });
    assert.equal(detail(patch, 'body.ip').value, 'nope');
    // Nothing was written by the refused requests.
    const r = await t.app.inject({ url: '/api/devices?q=10.0.0.200', headers: t.auth() });
    assert.equal(r.json().total, 0);
  });

  it('refuses an empty PATCH and a body that is not an object', async () => {
    const empty = await bad({ method: 'PATCH', url: '/api/devices/1', payload: {} });
    assert.equal(empty.details[0]!.where, 'body');
    assert.match(empty.details[0]!.message, /at least 1/);
    const arr = await bad({ method: 'POST', url: '/api/devices', payload: [1, 2] });
    assert.equal(arr.details[0]!.where, 'body');
    const none = await bad({ method: 'POST', url: '/api/devices' });
    assert.equal(none.details[0]!.where, 'body');
  });

  it('maps malformed JSON, wrong content type and oversized bodies to LNMT errors', async () => {
    const json = await bad({ method: 'POST', url: '/api/devices', payload: '{"ip": ', headers: { 'content-type': 'application/json' } });
    assert.equal(json.code, 'LNMT_ERR_VALIDATION');
    assert.equal(json.details[0]!.where, 'body');
    const type = await bad({ method: 'POST', url: '/api/devices', payload: 'ip=1.2.3.4', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415);
    assert.equal(type.details[0]!.where, 'headers.content-type');
    const big = await bad({ method: 'POST', url: '/api/devices', payload: JSON.stringify({ ip: '1.2.3.4', notes: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } }, 413);
    assert.equal(big.code, 'LNMT_ERR_VALIDATION');
  });

  it('validates scan requests: each bad target named by index, ranges guarded, options bounded', async () => {
    const empty = await bad({ method: 'POST', url: '/api/scans', payload: { targets: [] } });
    assert.equal(detail(empty, 'body.targets').value !== undefined, true);
    const target = await bad({ method: 'POST', url: '/api/scans', payload: { targets: ['10.0.0.1', 'not a host!'] } });
    assert.equal(target.code, 'LNMT_ERR_TARGET');
    assert.equal(detail(target, 'body.targets[1]').value, 'not a host!');
    const big = await bad({ method: 'POST', url: '/api/scans', payload: { targets: ['10.0.0.0/8'] } });
    assert.equal(big.code, 'LNMT_ERR_TARGET_TOO_LARGE');
    assert.match(detail(big, 'body.targets').allowed!, /force/);
    const opts = await bad({ method: 'POST', url: '/api/scans', payload: { targets: ['127.0.0.1'], options: { timeoutMs: 5, tcpPorts: [80, 70000], icmp: 'maybe', maxAddresses: 1e9 } } });
    assert.equal(detail(opts, 'body.options.timeoutMs').value, 5);
    assert.equal(detail(opts, 'body.options.tcpPorts[1]').value, 70000);
    assert.equal(detail(opts, 'body.options.icmp').allowed, 'one of "auto", "on", "off"');
    assert.equal(detail(opts, 'body.options.maxAddresses').message, 'unknown field');
    const order = await bad({ method: 'POST', url: '/api/scans', payload: { targets: ['127.0.0.1'], options: { timeoutMs: 100, minTimeoutMs: 500 } } });
    assert.equal(order.details[0]!.where, 'body.options.minTimeoutMs');
    assert.equal((await t.ctx.scans.list(10)).length, 0, 'refused scans are not recorded');
  });

  it('answers unknown routes and methods with a 404 LNMT error', async () => {
    const r = await bad({ url: '/api/nothing-here' }, 404);
    assert.equal(r.code, 'LNMT_ERR_NOT_FOUND');
    assert.match(r.message, /GET \/api\/nothing-here/);
    await bad({ method: 'PATCH', url: '/api/scans' }, 404);
  });

  it('never shows a stack trace: internal failures are 500 LNMT_ERR_INTERNAL with the request id', async () => {
    const repo = t.ctx.repos.devices;
    const orig = repo.get.bind(repo);
    repo.get = async () => {
      throw new Error('SQLITE_CORRUPT at /secret/path/lnmt.db');
    };
    try {
      const b = await bad({ url: '/api/devices/1' }, 500);
      assert.equal(b.code, 'LNMT_ERR_INTERNAL');
      assert.doesNotMatch(JSON.stringify(b), /secret|SQLITE|stack/);
      assert.match(b.message, /request/);
    } finally {
      repo.get = orig;
    }
    assert.equal((await t.app.inject({ url: '/api/devices/1', headers: t.auth() })).statusCode, 200);
  });
});
