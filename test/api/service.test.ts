import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { makeApi, seed, type TestApi } from './helpers.js';

describe('health, metrics, OpenAPI, compression', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    await seed(t.ctx, 200);
  });
  after(() => t.close());

  it('reports health without a token: store ping, bus, components, uptime', async () => {
    const r = await t.app.inject({ url: '/api/health' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    const h = r.json();
    assert.equal(h.status, 'ok');
    assert.equal(h.store.status, 'up');
    assert.equal(h.store.dialect, 'sqlite');
    assert.equal(typeof h.store.ping_ms, 'number');
    assert.equal(h.bus.kind, 'memory');
    assert.equal(typeof h.bus.queue_depth, 'number');
    assert.deepEqual(Object.keys(h.components).sort(), ['bus', 'store']);
    assert.equal(h.devices, 200);
    assert.ok(h.uptime_s >= 0);
    assert.match(h.version, /^\d+\.\d+\.\d+/);
    assert.ok(h.memory.rss_bytes > 0);
  });

  it('answers health in a few milliseconds and reads no table', async () => {
    // Every Kysely query goes through the shared executor: count them (the ping is a raw prepared SELECT 1).
    const executor = t.ctx.store.db.getExecutor();
    const orig = executor.executeQuery.bind(executor);
    let queries = 0;
    executor.executeQuery = ((...args: Parameters<typeof orig>) => {
      queries++;
      return orig(...args);
    }) as typeof executor.executeQuery;
    try {
      await t.ctx.repos.devices.count();
      assert.equal(queries, 1, 'the counter sees repository queries');
      queries = 0;
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        const r = await t.app.inject({ url: '/api/health' });
        times.push(performance.now() - t0);
        assert.equal(r.statusCode, 200);
      }
      times.sort((a, b) => a - b);
      const median = times[25]!;
      assert.ok(median < 5, `median health time ${median.toFixed(2)} ms`);
      assert.equal(queries, 0);
    } finally {
      executor.executeQuery = orig;
    }
  });

  it('answers 503 when the store does not respond', async () => {
    const store = t.ctx.store;
    const orig = store.ping.bind(store);
    store.ping = async () => {
      throw new Error('database is locked');
    };
    try {
      const r = await t.app.inject({ url: '/api/health' });
      assert.equal(r.statusCode, 503);
      const h = r.json();
      assert.equal(h.status, 'down');
      assert.equal(h.store.status, 'down');
      assert.equal(h.components.store.status, 'down');
      assert.match(h.store.error, /locked/);
    } finally {
      store.ping = orig;
    }
    assert.equal((await t.app.inject({ url: '/api/health' })).statusCode, 200);
  });

  it('exposes Prometheus metrics with request-duration histograms per route template', async () => {
    await t.app.inject({ url: '/api/devices/3', headers: t.auth() });
    await t.app.inject({ url: '/api/devices/4', headers: t.auth() });
    await t.app.inject({ url: '/api/devices?limit=3', headers: t.auth() });
    await t.app.inject({ url: '/api/definitely-not-a-route-12345' });
    const r = await t.app.inject({ url: '/metrics', headers: t.auth() });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    const text = r.body;
    assert.match(text, /^# TYPE lnmt_http_request_duration_seconds histogram$/m);
    assert.match(text, /^lnmt_http_request_duration_seconds_count\{method="GET",route="\/api\/devices\/:id",status_code="200"\} 2$/m);
    assert.match(text, /^lnmt_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/devices",status_code="200"\} \d+$/m);
    assert.match(text, /route="unmatched",status_code="404"/);
    assert.doesNotMatch(text, /definitely-not-a-route|\/api\/devices\/3"/, 'raw URLs never become labels');
    for (const m of ['lnmt_bus_queue_depth', 'lnmt_store_write_batch_size_bucket', 'lnmt_store_write_batch_duration_seconds_bucket', 'lnmt_process_resident_memory_bytes']) {
      assert.match(text, new RegExp(`^${m}`, 'm'), m);
    }
  });

  it('serves an OpenAPI 3.1 document describing every route, its parameters and the bearer scheme', async () => {
    for (const url of ['/api/docs', '/api/docs/json']) {
      const r = await t.app.inject({ url, headers: t.auth() });
      assert.equal(r.statusCode, 200);
      const doc = r.json();
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/attackers', '/api/attackers/{ip}', '/api/blocklist', '/api/campaigns',
        '/api/checks', '/api/checks/{id}', '/api/checks/{id}/history', '/api/checks/{id}/run',
        '/api/decisions', '/api/decisions/{id}',
        '/api/devices', '/api/devices/{id}', '/api/devices/{id}/uptime', '/api/health',
        '/api/honeypot/sessions', '/api/honeypot/sessions/{id}', '/api/honeypot/sessions/{id}/transcript',
        '/api/notifications/channels', '/api/notifications/channels/{id}', '/api/notifications/channels/{id}/test', '/api/notifications/log', '/api/notifications/rules',
        '/api/reports/health', '/api/scans', '/api/scans/{id}',
        '/api/scheduler/jobs', '/api/scheduler/jobs/{id}', '/api/scheduler/jobs/{id}/run', '/api/scheduler/jobs/{id}/runs',
        '/metrics',
      ]);
      assert.deepEqual(Object.keys(doc.paths['/api/checks/{id}']).sort(), ['delete', 'get', 'patch']);
      assert.deepEqual(Object.keys(doc.paths['/api/scheduler/jobs/{id}']).sort(), ['delete', 'get', 'patch']);
      assert.deepEqual(Object.keys(doc.paths['/api/devices']).sort(), ['get', 'post']);
      assert.deepEqual(Object.keys(doc.paths['/api/devices/{id}']).sort(), ['delete', 'get', 'patch']);
      const params = doc.paths['/api/devices'].get.parameters.map((p: { name: string }) => p.name).sort();
      assert.deepEqual(params, ['limit', 'offset', 'order', 'q', 'sort', 'status', 'subnet', 'vendor']);
      const limit = doc.paths['/api/devices'].get.parameters.find((p: { name: string }) => p.name === 'limit');
      assert.equal(limit.schema.maximum, 1000);
      const body = doc.paths['/api/devices'].post.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, ['ip']);
      assert.ok(doc.paths['/api/devices'].get.responses['200'].content['application/json'].schema.properties.items);
      assert.ok(doc.paths['/api/scans'].post.responses['202']);
      assert.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer');
      assert.deepEqual(doc.paths['/api/health'].get.security, []);
    }
  });

  it('compresses large responses with br or gzip when asked, and leaves small ones alone', async () => {
    const plain = await t.app.inject({ url: '/api/devices?limit=100', headers: t.auth() });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.rawPayload.length > 10_000);
    for (const [accept, enc] of [['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['br;q=0, gzip', 'gzip']] as const) {
      const r = await t.app.inject({ url: '/api/devices?limit=100', headers: { ...t.auth(), 'accept-encoding': accept } });
      assert.equal(r.headers['content-encoding'], enc, accept);
      assert.match(r.headers.vary as string, /accept-encoding/i);
      assert.ok(r.rawPayload.length < plain.rawPayload.length / 3);
      const body = enc === 'br' ? brotliDecompressSync(r.rawPayload) : gunzipSync(r.rawPayload);
      assert.equal(body.toString(), plain.body);
    }
    // Other routes go through @fastify/compress.
    const metrics = await t.app.inject({ url: '/metrics', headers: { ...t.auth(), 'accept-encoding': 'gzip' } });
    assert.equal(metrics.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(metrics.rawPayload).toString(), /lnmt_http_request_duration_seconds/);
    // Below the threshold (1024 bytes): not compressed.
    const small = await t.app.inject({ url: '/api/devices?limit=1', headers: { ...t.auth(), 'accept-encoding': 'gzip, br' } });
    assert.ok(small.rawPayload.length < 1024);
    assert.equal(small.headers['content-encoding'], undefined);
    const health = await t.app.inject({ url: '/api/health', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(health.headers['content-encoding'], undefined);
  });
});

describe('rate limits', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi({ LNMT_API__RATE_LIMIT__MAX: '3', LNMT_API__RATE_LIMIT__WINDOW_MS: '60000' });
  });
  after(() => t.close());

  it('limits each token separately and answers 429 LNMT_ERR_RATE_LIMITED with retry-after', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await t.app.inject({ url: '/api/scans', headers: t.auth('viewer') });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['x-ratelimit-remaining'], String(2 - i));
    }
    const limited = await t.app.inject({ url: '/api/scans', headers: t.auth('viewer') });
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    const b = limited.json();
    assert.equal(b.code, 'LNMT_ERR_RATE_LIMITED');
    assert.equal(b.error, 'Too many requests');
    assert.match(b.message, /test-viewer/);
    assert.equal(b.details[0].allowed, '3 requests per 60000 ms');
    // Another token has its own budget.
    assert.equal((await t.app.inject({ url: '/api/scans', headers: t.auth('admin') })).statusCode, 200);
  });

  it('limits requests without a valid token per client address (bad-token floods are throttled)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ url: '/api/devices', headers: { authorization: `Bearer lnmt_guess${i}` } })).statusCode);
    assert.deepEqual(codes, [401, 401, 401, 429, 429]);
  });
});
