/** `/api/scheduler/jobs`: definitions, validation errors naming the body field, roles, manual runs, history. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeApi, waitFor, type TestApi } from './helpers.js';

interface Run {
  id: string;
  job_id: string;
  trigger: string;
  attempt: number;
  status: string;
  scheduled_for: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  summary: Record<string, unknown> | null;
  error: string | null;
  runner: string | null;
}

interface Job {
  id: string;
  name: string;
  type: string;
  builtin: boolean;
  enabled: boolean;
  cron: string | null;
  every: string | null;
  timezone: string | null;
  effective_timezone: string | null;
  params: Record<string, unknown>;
  overlap: string;
  catch_up: string;
  retries: number;
  next_run_at: string | null;
  last_run: Run | null;
}

describe('scheduler API', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi({ LNMT_SCHEDULER__TIMEZONE: 'Europe/Berlin' });
  });
  after(() => t.close());

  const post = (payload: unknown, role: 'admin' | 'viewer' = 'admin') => t.app.inject({ method: 'POST', url: '/api/scheduler/jobs', headers: t.auth(role), payload: payload as Record<string, unknown> });

  it('lists the built-in jobs, with their next run', async () => {
    const r = await t.app.inject({ url: '/api/scheduler/jobs', headers: t.auth() });
    assert.equal(r.statusCode, 200, r.body);
    const items = (r.json() as { items: Job[] }).items;
    assert.deepEqual(items.map((j) => [j.name, j.type, j.builtin, j.enabled]), [
      ['maintenance', 'maintenance', true, true],
      ['store-optimize', 'store-optimize', true, true],
    ]);
    const optimize = items[1]!;
    assert.equal(optimize.cron, '30 4 * * *');
    assert.equal(optimize.effective_timezone, 'Europe/Berlin');
    assert.ok(Date.parse(optimize.next_run_at!) > Date.now());
    assert.equal(optimize.last_run, null);
  });

  it('creates a job (201, location), readable by id and by name', async () => {
    const r = await post({ name: 'nightly-scan', type: 'scan', cron: '0 3 * * 1-5', timezone: 'America/New_York', params: { targets: ['192.0.2.0/28'] }, retries: 2, retry_delay_ms: 60_000, overlap: 'queue' });
    assert.equal(r.statusCode, 201, r.body);
    const job = r.json() as Job;
    assert.equal(r.headers.location, `/api/scheduler/jobs/${job.id}`);
    assert.deepEqual([job.type, job.cron, job.timezone, job.effective_timezone, job.retries, job.overlap, job.catch_up], ['scan', '0 3 * * 1-5', 'America/New_York', 'America/New_York', 2, 'queue', 'once']);
    assert.deepEqual(job.params, { targets: ['192.0.2.0/28'] });
    for (const ref of [job.id, 'nightly-scan']) {
      const got = await t.app.inject({ url: `/api/scheduler/jobs/${ref}`, headers: t.auth() });
      assert.equal(got.statusCode, 200);
      assert.equal((got.json() as Job).id, job.id);
    }
  });

  it('refuses an invalid cron expression with the field and column (400, body.cron)', async () => {
    const r = await post({ name: 'bad', type: 'store-optimize', cron: '0 25 * * *' });
    assert.equal(r.statusCode, 400);
    const body = r.json() as { code: string; message: string; details: Array<{ where: string; value: unknown; message: string; allowed: string }> };
    assert.equal(body.code, 'LNMT_ERR_VALIDATION');
    assert.deepEqual(body.details, [{ where: 'body.cron', value: '0 25 * * *', message: 'field 2 (hour) at column 3: "25" is out of range 0-23', allowed: '0-23, *, lists (1,5), ranges (1-5), steps (*/2, 1-5/2)' }]);
  });

  it('names the body field for every other mistake', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: 'x', type: 'nope', every: '1m' }, 'body.type', /unknown job type/],
      [{ name: 'x', type: 'store-optimize', every: '1m', timezone: 'Nowhere/Land' }, 'body.timezone', /only cron schedules have a time zone/],
      [{ name: 'x', type: 'store-optimize', cron: '@daily', timezone: 'Nowhere/Land' }, 'body.timezone', /unknown time zone/],
      [{ name: 'x', type: 'store-optimize', every: 'soon' }, 'body.every', /not a duration/],
      [{ name: 'x', type: 'store-optimize' }, 'body.cron', /a schedule is required/],
      [{ name: 'x', type: 'scan', every: '1h', params: { targets: ['10.0.0.1', '10.0.0.300'] } }, 'body.params.targets[1]', /not a valid IPv4 address/],
      [{ name: 'x', type: 'scan', every: '1h', params: {} }, 'body.params.targets', /required/],
      [{ name: 'x', type: 'store-optimize', every: '1h', retries: 1000 }, 'body.retries', /./],
      [{ name: 'x', type: 'store-optimize', every: '1h', overlap: 'parallel' }, 'body.overlap', /./],
      [{ name: 'has space', type: 'store-optimize', every: '1h' }, 'body.name', /./],
      [{ name: 'x', type: 'store-optimize', every: '1h', colour: 'red' }, 'body.colour', /unknown field/],
    ];
    for (const [payload, where, message] of cases) {
      const r = await post(payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      const details = (r.json() as { details: Array<{ where: string; message: string }> }).details;
      const hit = details.find((d) => d.where === where);
      assert.ok(hit, `${JSON.stringify(payload)}: ${JSON.stringify(details)}`);
      assert.match(hit.message, message);
    }
  });

  it('viewers read, admins write', async () => {
    assert.equal((await post({ name: 'v', type: 'store-optimize', every: '1h' }, 'viewer')).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/scheduler/jobs/maintenance', headers: t.auth('viewer') })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/scheduler/jobs/maintenance/run', headers: t.auth('viewer') })).statusCode, 403);
    assert.equal((await t.app.inject({ url: '/api/scheduler/jobs/maintenance/runs', headers: t.auth('viewer') })).statusCode, 200);
    assert.equal((await t.app.inject({ url: '/api/scheduler/jobs' })).statusCode, 401);
  });

  it('changes a job (PATCH) and answers 409 on a duplicate name', async () => {
    await post({ name: 'p1', type: 'store-optimize', every: '1h' });
    const r = await t.app.inject({ method: 'PATCH', url: '/api/scheduler/jobs/p1', headers: t.auth('admin'), payload: { cron: '15 2 * * *', timezone: null, enabled: false } });
    assert.equal(r.statusCode, 200, r.body);
    const j = r.json() as Job;
    assert.deepEqual([j.cron, j.every, j.timezone, j.effective_timezone, j.enabled, j.next_run_at], ['15 2 * * *', null, null, 'Europe/Berlin', false, null]);
    const dup = await t.app.inject({ method: 'PATCH', url: '/api/scheduler/jobs/p1', headers: t.auth('admin'), payload: { name: 'maintenance' } });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().details[0].where, 'body.name');
    const empty = await t.app.inject({ method: 'PATCH', url: '/api/scheduler/jobs/p1', headers: t.auth('admin'), payload: {} });
    assert.equal(empty.statusCode, 400);
    const type = await t.app.inject({ method: 'PATCH', url: '/api/scheduler/jobs/p1', headers: t.auth('admin'), payload: { type: 'scan' } });
    assert.equal(type.statusCode, 400);
    assert.equal(type.json().details[0].where, 'body.type');
  });

  it('built-in jobs cannot be deleted (409) but can be disabled; user jobs are deleted (204) and then 404', async () => {
    const del = await t.app.inject({ method: 'DELETE', url: '/api/scheduler/jobs/store-optimize', headers: t.auth('admin') });
    assert.equal(del.statusCode, 409);
    assert.equal(del.json().details[0].where, 'params.id');
    const off = await t.app.inject({ method: 'PATCH', url: '/api/scheduler/jobs/store-optimize', headers: t.auth('admin'), payload: { enabled: false } });
    assert.equal(off.statusCode, 200);
    await t.app.inject({ method: 'PATCH', url: '/api/scheduler/jobs/store-optimize', headers: t.auth('admin'), payload: { enabled: true } });
    await post({ name: 'temp', type: 'store-optimize', every: '1h' });
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/scheduler/jobs/temp', headers: t.auth('admin') })).statusCode, 204);
    const gone = await t.app.inject({ url: '/api/scheduler/jobs/temp', headers: t.auth() });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().details[0].where, 'params.id');
  });

  it('runs a job now (202 with the run), then shows it in the history and as the last run', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/scheduler/jobs/store-optimize/run', headers: t.auth('admin') });
    assert.equal(r.statusCode, 202, r.body);
    const run = r.json() as Run;
    assert.deepEqual([run.status, run.trigger, run.attempt, run.error], ['running', 'manual', 1, null]);
    assert.match(run.runner!, /:\d+$/);
    const done = await waitFor(async () => {
      const h = (await t.app.inject({ url: '/api/scheduler/jobs/store-optimize/runs', headers: t.auth() })).json() as { items: Run[]; total: number };
      return h.items[0]?.status === 'succeeded' ? h : null;
    }, 5000, 'the manual run to finish');
    assert.equal(done.total, 1);
    assert.equal(done.items[0]!.id, run.id);
    assert.equal(done.items[0]!.summary!.dialect, 'sqlite');
    assert.ok(done.items[0]!.duration_ms! >= 0);
    const job = (await t.app.inject({ url: '/api/scheduler/jobs/store-optimize', headers: t.auth() })).json() as Job;
    assert.equal(job.last_run?.id, run.id);
  });

  it('pages the run history, filters by status, and refuses bad paging', async () => {
    for (let i = 0; i < 4; i++) {
      await t.app.inject({ method: 'POST', url: '/api/scheduler/jobs/maintenance/run', headers: t.auth('admin') });
      await t.ctx.scheduler.idle();
    }
    const page = (await t.app.inject({ url: '/api/scheduler/jobs/maintenance/runs?limit=3&offset=1', headers: t.auth() })).json() as { items: Run[]; total: number; limit: number; offset: number };
    assert.deepEqual([page.total, page.limit, page.offset, page.items.length], [4, 3, 1, 3]);
    const all = (await t.app.inject({ url: '/api/scheduler/jobs/maintenance/runs', headers: t.auth() })).json() as { items: Run[] };
    assert.deepEqual(page.items.map((r) => r.id), all.items.slice(1, 4).map((r) => r.id), 'newest first');
    const failed = (await t.app.inject({ url: '/api/scheduler/jobs/maintenance/runs?status=failed', headers: t.auth() })).json() as { total: number };
    assert.equal(failed.total, 0);
    const bad = await t.app.inject({ url: '/api/scheduler/jobs/maintenance/runs?limit=0', headers: t.auth() });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().details[0].where, 'query.limit');
    assert.equal((await t.app.inject({ url: '/api/scheduler/jobs/nosuch/runs', headers: t.auth() })).statusCode, 404);
  });

  it('a manual run while one runs follows the overlap policy', async () => {
    await post({ name: 'slow-scan', type: 'scan', every: '1h', overlap: 'skip', params: { targets: ['192.0.2.0/28'], noCache: true, options: { icmp: 'off', neighbours: false, reverseDns: false, tcpPorts: [9], timeoutMs: 300, retries: 0 } } });
    const first = (await t.app.inject({ method: 'POST', url: '/api/scheduler/jobs/slow-scan/run', headers: t.auth('admin') })).json() as Run;
    const second = (await t.app.inject({ method: 'POST', url: '/api/scheduler/jobs/slow-scan/run', headers: t.auth('admin') })).json() as Run;
    assert.deepEqual([first.status, second.status], ['running', 'skipped']);
    assert.deepEqual(second.summary, { reason: 'the previous run of this job was still running' });
    await t.ctx.scheduler.runDone(first.id);
  });
});
