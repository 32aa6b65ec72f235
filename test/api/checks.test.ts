/**
 * Health checks through the API: CRUD with validation errors naming the body field, run now, history from the
 * aggregates, device uptime and the health report. Targets are a local TCP listener and a closed port only.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { closedPort, makeApi, type TestApi } from './helpers.js';

describe('checks API', () => {
  let t: TestApi;
  let srv: Server;
  let open: number;
  let closed: number;
  let deviceId: number;

  before(async () => {
    t = await makeApi();
    srv = createServer((s) => s.on('error', () => {}).end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    open = (srv.address() as { port: number }).port;
    closed = await closedPort();
    const d = await t.app.inject({ method: 'POST', url: '/api/devices', headers: t.auth('admin'), payload: { ip: '127.0.0.1', name: 'loopback' } });
    assert.equal(d.statusCode, 201, d.body);
    deviceId = (d.json() as { id: number }).id;
  });
  after(async () => {
    await t.close();
    srv.close();
  });

  it('creates a check (201, location), lists it, and viewers cannot write', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/checks', headers: t.auth('admin'), payload: { type: 'tcp', target: `127.0.0.1:${open}`, deviceId, name: 'web', intervalSec: 30, tags: ['prod'] } });
    assert.equal(r.statusCode, 201, r.body);
    const c = r.json() as { id: string; name: string; state: string; interval_sec: number; device_id: number; tags: string[]; timeout_ms: number };
    assert.equal(r.headers.location, `/api/checks/${c.id}`);
    assert.deepEqual([c.name, c.state, c.interval_sec, c.device_id, c.tags], ['web', 'unknown', 30, deviceId, ['prod']]);
    const list = await t.app.inject({ url: '/api/checks?tag=prod', headers: t.auth() });
    assert.equal(list.statusCode, 200);
    assert.equal((list.json() as { total: number }).total, 1);
    const denied = await t.app.inject({ method: 'POST', url: '/api/checks', headers: t.auth('viewer'), payload: { type: 'tcp', target: '127.0.0.1:1' } });
    assert.equal(denied.statusCode, 403);
  });

  it('rejects bad definitions naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'gopher', target: 'x' }, 'body.type'],
      [{ type: 'tcp', target: '127.0.0.1' }, 'body.target'],
      [{ type: 'tcp', target: '127.0.0.1:22', intervalSec: 0 }, 'body.intervalSec'],
      [{ type: 'http', target: 'http://127.0.0.1/', params: { expectStatus: 'abc' } }, 'body.params.expectStatus'],
      [{ type: 'tcp', target: '127.0.0.1:22', color: 'red' }, 'body.color'],
      [{ type: 'tcp', target: '127.0.0.1:22', name: 'web' }, 'body.name'],
    ];
    for (const [payload, where] of cases) {
      const r = await t.app.inject({ method: 'POST', url: '/api/checks', headers: t.auth('admin'), payload });
      assert.ok([400, 409].includes(r.statusCode), `${JSON.stringify(payload)} → ${r.statusCode} ${r.body}`);
      const body = r.json() as { details: Array<{ where: string }> };
      assert.ok(body.details.some((d) => d.where.startsWith(where)), `${JSON.stringify(payload)}: ${r.body}`);
    }
  });

  it('runs a check now, patches it, and shows its results and summaries', async () => {
    const run = await t.app.inject({ method: 'POST', url: '/api/checks/web/run', headers: t.auth('admin') });
    assert.equal(run.statusCode, 200, run.body);
    assert.equal((run.json() as { ok: boolean }).ok, true);
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/checks/web', headers: t.auth('admin'), payload: { target: `127.0.0.1:${closed}`, retries: 0 } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((patched.json() as { state: string }).state, 'unknown', 'a new target starts from unknown');
    const run2 = await t.app.inject({ method: 'POST', url: '/api/checks/web/run', headers: t.auth('admin') });
    assert.equal((run2.json() as { ok: boolean }).ok, false);
    const detail = await t.app.inject({ url: '/api/checks/web', headers: t.auth() });
    const d = detail.json() as { check: { state: string }; recent: Array<{ ok: boolean }>; summary: Record<string, { total: number }> };
    assert.equal(d.check.state, 'down');
    assert.deepEqual(d.recent.map((r) => r.ok), [false, true]);
    assert.deepEqual(Object.keys(d.summary), ['24h', '7d', '30d']);
    const m = await t.app.inject({ url: '/metrics', headers: t.auth() });
    assert.match(m.body, /^lnmt_check_runs_total\{outcome="ok"\} 1$/m);
    assert.match(m.body, /^lnmt_check_runs_total\{outcome="failed"\} 1$/m);
    assert.match(m.body, /^lnmt_checks_scheduled \d+$/m);
  });

  it('history, device uptime and the health report come from the aggregates', async () => {
    await t.ctx.monitor.maintain();
    const h = await t.app.inject({ url: '/api/checks/web/history?window=24h&step=1h', headers: t.auth() });
    assert.equal(h.statusCode, 200, h.body);
    const hist = h.json() as { step: string; points: Array<{ up: number; down: number }>; summary: { up: number; down: number; uptime: number } };
    assert.equal(hist.step, '1h');
    assert.equal(hist.points.length, 24);
    assert.deepEqual([hist.summary.up, hist.summary.down, hist.summary.uptime], [1, 1, 50]);
    assert.equal(hist.points.reduce((n, p) => n + p.up + p.down, 0), 2);
    const bad = await t.app.inject({ url: '/api/checks/web/history?window=forever', headers: t.auth() });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { details: Array<{ where: string }> }).details[0]!.where, 'querystring.window');
    const tooFine = await t.app.inject({ url: '/api/checks/web/history?window=1y&step=1m', headers: t.auth() });
    assert.equal(tooFine.statusCode, 400);

    const u = await t.app.inject({ url: `/api/devices/${deviceId}/uptime`, headers: t.auth() });
    assert.equal(u.statusCode, 200, u.body);
    const up = u.json() as { windows: Record<string, { total: number; uptime: number; checks: number }>; checks: Array<{ name: string }> };
    assert.deepEqual(Object.keys(up.windows), ['24h', '7d', '30d', '1y']);
    assert.deepEqual([up.windows['24h']!.total, up.windows['24h']!.uptime, up.windows['1y']!.checks], [2, 50, 1]);
    assert.deepEqual(up.checks.map((c) => c.name), ['web']);
    assert.equal((await t.app.inject({ url: '/api/devices/999/uptime', headers: t.auth() })).statusCode, 404);

    const rep = await t.app.inject({ url: '/api/reports/health?window=7d', headers: t.auth() });
    assert.equal(rep.statusCode, 200, rep.body);
    const items = (rep.json() as { items: Array<{ device_id: number; name: string; total: number; up: number; down: number; uptime: number }> }).items;
    assert.deepEqual(items, [{ device_id: deviceId, ip: '127.0.0.1', hostname: null, name: 'loopback', checks: 1, total: 2, up: 1, down: 1, uptime: 50 }]);
  });

  it('deletes a check with its history; 404 afterwards', async () => {
    const del = await t.app.inject({ method: 'DELETE', url: '/api/checks/web', headers: t.auth('admin') });
    assert.equal(del.statusCode, 204);
    assert.equal((await t.app.inject({ url: '/api/checks/web', headers: t.auth() })).statusCode, 404);
    const left = await t.ctx.store.db.selectFrom('check_rollups').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(left.n), 0);
  });
});
