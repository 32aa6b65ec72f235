import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TokenAuthenticator } from '../../src/api/token-auth.js';
import { makeApi, seed, type TestApi } from './helpers.js';

describe('API authentication and roles', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    await seed(t.ctx, 5);
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

  it('refuses requests without a token: 401, WWW-Authenticate, LNMT_ERR_UNAUTHORIZED', async () => {
    for (const url of ['/api/devices', '/api/devices/1', '/api/scans', '/metrics', '/api/docs']) {
      const r = await get(url);
      assert.equal(r.statusCode, 401, url);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="lnmt"');
      const b = r.json();
      assert.equal(b.code, 'LNMT_ERR_UNAUTHORIZED');
      assert.equal(b.details[0].where, 'headers.authorization');
      assert.equal(b.details[0].message, 'missing');
    }
  });

  it('refuses unknown, malformed and non-bearer tokens with error="invalid_token"', async () => {
    for (const header of ['Bearer lnmt_not-a-real-token', 'Bearer abc', 'Basic dXNlcjpwYXNz', 'Bearer ', `Bearer ${t.viewer}x`, 'lnmt_xyz']) {
      const r = await get('/api/devices', { authorization: header });
      assert.equal(r.statusCode, 401, header);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="lnmt", error="invalid_token"');
      assert.equal(r.json().details[0].message, 'unknown or revoked token');
    }
  });

  it('does not need a token for /api/health', async () => {
    const r = await get('/api/health');
    assert.equal(r.statusCode, 200);
  });

  it('lets a viewer read everything (scheme case-insensitive) and write nothing', async () => {
    for (const url of ['/api/devices', '/api/devices/1', '/api/scans', '/metrics', '/api/docs', '/api/docs/json']) {
      assert.equal((await get(url, t.auth('viewer'))).statusCode, 200, url);
    }
    assert.equal((await get('/api/devices', { authorization: `bearer ${t.viewer}` })).statusCode, 200);
    const writes = [
      { method: 'POST' as const, url: '/api/devices', payload: { ip: '10.1.1.1' } },
      { method: 'PATCH' as const, url: '/api/devices/1', payload: { name: 'x' } },
      { method: 'DELETE' as const, url: '/api/devices/1' },
      { method: 'POST' as const, url: '/api/scans', payload: { targets: ['127.0.0.1'] } },
    ];
    for (const w of writes) {
      const r = await t.app.inject({ ...w, headers: t.auth('viewer') });
      assert.equal(r.statusCode, 403, `${w.method} ${w.url}`);
      const b = r.json();
      assert.equal(b.code, 'LNMT_ERR_FORBIDDEN');
      assert.equal(b.details[0].value, 'viewer');
      assert.equal(b.details[0].allowed, 'admin');
    }
    // Nothing changed.
    const d = (await get('/api/devices/1', t.auth())).json();
    assert.equal(d.name, null);
    assert.equal((await t.ctx.scans.list(5)).length, 0);
  });

  it('checks the role before the body: a viewer with a bad body still gets 403', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('viewer'), payload: { nonsense: true } });
    assert.equal(r.statusCode, 403);
  });

  it('lets an admin write', async () => {
    const r = await t.app.inject({ method: 'PATCH', url: '/api/devices/1', headers: t.auth('admin'), payload: { name: 'gateway' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().name, 'gateway');
  });

  it('stops accepting a revoked token once its cache entry expires (TTL documented)', async () => {
    const { row, secret } = await t.ctx.repos.tokens.create('soon-revoked', 'viewer');
    const h = { authorization: `Bearer ${secret}` };
    assert.equal((await get('/api/devices', h)).statusCode, 200);
    await t.ctx.repos.tokens.revoke(row.id);
    // Still cached: the documented window (5 s by default).
    assert.equal((await get('/api/devices', h)).statusCode, 200);
    t.app.tokenAuth.invalidate(); // what the TTL expiry does
    const r = await get('/api/devices', h);
    assert.equal(r.statusCode, 401);
    assert.match(r.headers['www-authenticate'] as string, /invalid_token/);
  });

  it('records last_used_at in a batch, not per request', async () => {
    const { row, secret } = await t.ctx.repos.tokens.create('usage', 'viewer');
    for (let i = 0; i < 5; i++) assert.equal((await get('/api/scans', { authorization: `Bearer ${secret}` })).statusCode, 200);
    const before = (await t.ctx.repos.tokens.list()).find((x) => x.id === row.id)!;
    assert.equal(before.last_used_at, null);
    await t.app.tokenAuth.flushUsage();
    const afterFlush = (await t.ctx.repos.tokens.list()).find((x) => x.id === row.id)!;
    assert.ok(afterFlush.last_used_at !== null && afterFlush.last_used_at >= row.created_at);
  });
});

describe('TokenAuthenticator cache', () => {
  function fakeRepo(rows: Map<string, { id: string; name: string; role: 'admin' | 'viewer' }>) {
    const calls = { find: 0, touched: [] as string[][] };
    const repo = {
      async findActive(secret: string) {
        calls.find++;
        await new Promise((r) => setTimeout(r, 5));
        const r = rows.get(secret);
        return r ? { ...r, token_hash: 'h', prefix: 'p', created_at: 0, last_used_at: null, revoked_at: null } : undefined;
      },
      async touch(ids: string[]) {
        calls.touched.push(ids);
      },
    };
    return { repo: repo as never, calls };
  }

  it('serves repeated lookups from memory, shares concurrent misses, and expires entries after the TTL', async () => {
    const rows = new Map([['lnmt_good', { id: 't1', name: 'one', role: 'viewer' as const }]]);
    const { repo, calls } = fakeRepo(rows);
    let now = 1_000_000;
    const auth = new TokenAuthenticator(repo, { ttlMs: 5000, negativeTtlMs: 1000, now: () => now });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => auth.authenticate('lnmt_good')));
      assert.ok(results.every((p) => p?.id === 't1'));
      assert.equal(calls.find, 1, 'one store query for 20 concurrent requests');
      const hit = auth.authenticate('lnmt_good');
      assert.ok(!(hit instanceof Promise), 'cached answers are synchronous');
      assert.equal(hit?.role, 'viewer');
      assert.equal(calls.find, 1);

      rows.delete('lnmt_good'); // revoked
      now += 4999;
      assert.equal((auth.authenticate('lnmt_good') as { id: string }).id, 't1');
      now += 2;
      assert.equal(await auth.authenticate('lnmt_good'), null);
      assert.equal(calls.find, 2);

      // Unknown secrets are remembered briefly; secrets without the prefix never reach the store.
      assert.equal(await auth.authenticate('lnmt_bad'), null);
      assert.equal(auth.authenticate('lnmt_bad'), null);
      assert.equal(auth.authenticate('something-else'), null);
      assert.equal(calls.find, 3);

      await auth.flushUsage();
      assert.deepEqual(calls.touched, [['t1']]);
      await auth.flushUsage();
      assert.equal(calls.touched.length, 1, 'nothing to write when unused');
    } finally {
      await auth.close();
    }
  });
});
