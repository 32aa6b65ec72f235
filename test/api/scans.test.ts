/**
 * Scans through the API, on loopback only: 127.0.0.1 with ICMP, the neighbour table and reverse DNS off, and
 * one TCP port nothing listens on, so the RST proves the host is up and nothing outside this machine is probed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closedPort, makeApi, waitFor, type TestApi } from './helpers.js';

interface ScanView {
  id: string;
  status: string;
  targets: string[];
  requested_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: { done: number; total: number; up: number } | null;
  summary: { addresses: number; online: number; discovered: number; methods: Record<string, number> } | null;
  error: string | null;
}

describe('scans API', () => {
  let t: TestApi;
  let port: number;
  before(async () => {
    t = await makeApi();
    port = await closedPort();
  });
  after(() => t.close());

  const loopback = () => ({ targets: ['127.0.0.1'], noCache: true, options: { icmp: 'off', neighbours: false, reverseDns: false, tcpPorts: [port], timeoutMs: 1000, retries: 0 } });

  it('starts a scan in the background: 202 with id, status and url, then follows it to the end', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/scans', headers: t.auth('admin'), payload: loopback() });
    assert.equal(r.statusCode, 202, r.body);
    const acc = r.json() as { id: string; status: string; url: string };
    assert.match(acc.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(['queued', 'running', 'finished'].includes(acc.status));
    assert.equal(acc.url, `/api/scans/${acc.id}`);
    assert.equal(r.headers.location, acc.url);

    const done = await waitFor(async () => {
      const s = (await t.app.inject({ url: acc.url, headers: t.auth() })).json() as ScanView;
      return s.status === 'running' || s.status === 'queued' ? null : s;
    }, 15_000, 'the scan to finish');
    assert.equal(done.status, 'finished', JSON.stringify(done));
    assert.deepEqual(done.targets, ['127.0.0.1']);
    assert.equal(done.requested_by, 'test-admin');
    assert.equal(done.progress, null);
    assert.equal(done.error, null);
    assert.equal(done.summary!.addresses, 1);
    assert.equal(done.summary!.online, 1);
    assert.deepEqual(done.summary!.methods, { tcp: 1 });
    assert.ok(Date.parse(done.finished_at!) >= Date.parse(done.started_at!));

    // The device it found is in the inventory.
    const devices = (await t.app.inject({ url: '/api/devices?q=127.0.0.1', headers: t.auth() })).json() as { total: number; items: Array<{ ip: string; status: string; method: string }> };
    assert.equal(devices.total, 1);
    assert.equal(devices.items[0]!.status, 'online');
    assert.equal(devices.items[0]!.method, `tcp:${port}`);
  });

  it('lists scans newest first, with a limit', async () => {
    const second = (await t.app.inject({ method: 'POST', url: '/api/scans', headers: t.auth('admin'), payload: loopback() })).json() as { id: string };
    await waitFor(async () => ((await t.ctx.scans.get(second.id))?.status === 'finished' ? true : null), 15_000, 'second scan');
    const list = (await t.app.inject({ url: '/api/scans', headers: t.auth() })).json() as { items: ScanView[] };
    assert.equal(list.items.length, 2);
    assert.equal(list.items[0]!.id, second.id);
    const one = (await t.app.inject({ url: '/api/scans?limit=1', headers: t.auth() })).json() as { items: ScanView[] };
    assert.equal(one.items.length, 1);
  });

  it('answers 404 for an unknown scan id', async () => {
    const r = await t.app.inject({ url: '/api/scans/01a20a65-7642-7009-87aa-000000000000', headers: t.auth() });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'LNMT_ERR_NOT_FOUND');
    assert.equal(r.json().details[0].where, 'params.id');
  });
});
