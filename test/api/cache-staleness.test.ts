import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { makeContext } from './helpers.js';

describe('device list cache without a store change signal (as on PostgreSQL)', () => {
  it('shows writes from elsewhere within about a second, totals included', async () => {
    const { dir, ctx } = await makeContext();
    // What PostgreSQL gives us: no data_version. Writes made behind this process's back are then only
    // visible through time.
    delete (ctx.store as { dataVersion?: unknown }).dataVersion;
    const app = await buildApp(ctx);
    const token = (await ctx.repos.tokens.create('t', 'viewer')).secret;
    const list = async () => (await app.inject({ url: '/api/devices?limit=10', headers: { authorization: `Bearer ${token}` } })).json() as { total: number };
    try {
      assert.equal((await list()).total, 0);
      // Another hub's write: straight into the store, not through this process's tracker.
      await ctx.repos.devices.insert({ ip: '10.9.0.1', source: 'manual' });
      assert.equal((await list()).total, 0, 'served from the cache for now');
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal((await list()).total, 1, 'the page and its total refreshed');
    } finally {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
