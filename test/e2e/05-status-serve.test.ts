/**
 * `lnmt status` and `lnmt serve`: the server writes <dataDir>/serve.json, answers /api/health and the API with
 * tokens made by `lnmt token create`, refuses a second server on the same data dir, and on SIGTERM stops
 * cleanly (exit 0, serve.json removed). Ports: a free ephemeral port, never 8088 or a shared service's.
 */
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ESC, TempDirs, curl, ensureBuilt, freePort, lnmt, start, waitFor } from './helpers.js';

const dirs = new TempDirs();
const children: ChildProcess[] = [];
before(() => ensureBuilt());
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dirs.cleanup();
});

describe('lnmt status without a server', () => {
  it('on a fresh directory: not running, no database yet, and nothing is created', async () => {
    const cwd = dirs.make();
    const r = await lnmt(['status'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^server: +not running/m);
    assert.match(r.stdout, new RegExp(`^database: +sqlite ${join(cwd, 'lnmt-data', 'lnmt.db')} \\(not created yet\\)$`, 'm'));
    assert.match(r.stdout, /^devices: +0 \(0 online, 0 offline, 0 unknown\)$/m);
    assert.match(r.stdout, /^last scan: +none$/m);
    assert.doesNotMatch(r.stdout, ESC);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('--json: server, store, devices, last_scan', async () => {
    const cwd = dirs.make();
    await lnmt(['devices', 'add', '10.1.1.1'], { cwd });
    const r = await lnmt(['status', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(s), ['server', 'store', 'devices', 'last_scan']);
    assert.equal(s.server.running, false);
    assert.equal(s.server.stale, false);
    assert.equal(s.store.driver, 'sqlite');
    assert.equal(s.store.exists, true);
    assert.ok(s.store.size_bytes > 0);
    assert.deepEqual(s.devices, { total: 1, online: 0, offline: 0, unknown: 1 });
    assert.equal(s.last_scan, null);
  });

  it('a serve.json left by a dead process is reported as stale', async () => {
    const cwd = dirs.make();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    mkdirSync(join(cwd, 'lnmt-data'));
    writeFileSync(join(cwd, 'lnmt-data', 'serve.json'), JSON.stringify({ pid: Number(dead.stdout), url: 'http://127.0.0.1:9', started_at: new Date().toISOString(), version: 'x' }));
    const r = await lnmt(['status'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^server: +not running \\(stale .*serve\\.json: pid ${dead.stdout} is gone\\)$`, 'm'));
    const j = JSON.parse((await lnmt(['status', '--json'], { cwd })).stdout);
    assert.equal(j.server.running, false);
    assert.equal(j.server.stale, true);
  });
});

describe('lnmt serve', () => {
  let cwd: string;
  let port: number;
  let server: ChildProcess;
  let out = '';
  let err = '';
  let admin: string;
  let viewer: string;

  before(async () => {
    cwd = dirs.make();
    admin = (await lnmt(['token', 'create', '--role', 'admin', '--name', 'e2e-admin'], { cwd })).stdout.trim();
    viewer = (await lnmt(['token', 'create', '--role', 'viewer', '--name', 'e2e-viewer'], { cwd })).stdout.trim();
    assert.match(admin, /^lnmt_/);
    port = await freePort();
    server = start(['serve', '--port', String(port)], { cwd });
    children.push(server);
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    await waitFor(`lnmt serve on port ${port} (stderr: ${err})`, async () => {
      if (server.exitCode !== null) throw new Error(`serve exited ${server.exitCode}: ${err}`);
      const r = await curl([`http://127.0.0.1:${port}/api/health`]).catch(() => null);
      return r?.status === 200 && out.includes('listening on') ? true : undefined;
    });
  });

  it('prints the URL and writes serve.json {pid, url, started_at}', () => {
    assert.match(out, new RegExp(`listening on http://127\\.0\\.0\\.1:${port} `));
    const state = JSON.parse(readFileSync(join(cwd, 'lnmt-data', 'serve.json'), 'utf8'));
    assert.equal(state.pid, server.pid);
    assert.equal(state.url, `http://127.0.0.1:${port}`);
    assert.ok(!Number.isNaN(Date.parse(state.started_at)));
  });

  it('lnmt status sees it running and healthy', async () => {
    const r = await lnmt(['status'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^server: +running \\(pid ${server.pid}\\) at http://127\\.0\\.0\\.1:${port}, health ok`, 'm'));
    const j = JSON.parse((await lnmt(['status', '--json'], { cwd })).stdout);
    assert.equal(j.server.running, true);
    assert.equal(j.server.health.ok, true);
  });

  it('serves the API to a token from `lnmt token create`; no token is 401; a viewer cannot write', async () => {
    const health = await curl([`http://127.0.0.1:${port}/api/health`]);
    assert.equal(health.status, 200);
    const noAuth = await curl([`http://127.0.0.1:${port}/api/devices`]);
    assert.equal(noAuth.status, 401);
    const list = await curl(['-H', `Authorization: Bearer ${viewer}`, `http://127.0.0.1:${port}/api/devices?limit=5`]);
    assert.equal(list.status, 200, list.body);
    assert.equal(JSON.parse(list.body).total, 0);
    const body = JSON.stringify({ ip: '10.77.0.1', name: 'from-api' });
    const denied = await curl(['-X', 'POST', '-H', `Authorization: Bearer ${viewer}`, '-H', 'content-type: application/json', '-d', body, `http://127.0.0.1:${port}/api/devices`]);
    assert.equal(denied.status, 403, denied.body);
    const created = await curl(['-X', 'POST', '-H', `Authorization: Bearer ${admin}`, '-H', 'content-type: application/json', '-d', body, `http://127.0.0.1:${port}/api/devices`]);
    assert.equal(created.status, 201, created.body);
  });

  it('the CLI sees what the API wrote (same store)', async () => {
    const r = await lnmt(['devices', 'list', '--json'], { cwd });
    assert.deepEqual(JSON.parse(r.stdout).items.map((d: { ip: string }) => d.ip), ['10.77.0.1']);
  });

  it('a revoked token stops working', async () => {
    assert.equal((await lnmt(['token', 'revoke', 'e2e-viewer'], { cwd })).code, 0);
    await waitFor('the revoked token to be refused', async () => {
      const r = await curl(['-H', `Authorization: Bearer ${viewer}`, `http://127.0.0.1:${port}/api/devices`]);
      return r.status === 401 ? true : undefined;
    }, 10_000, 200);
  });

  it('a second server on the same data dir is refused (exit 1), without disturbing the first', async () => {
    const other = await freePort();
    const r = await lnmt(['serve', '--port', String(other)], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`a server is already running on this data directory \\(pid ${server.pid}`));
    assert.equal(JSON.parse(readFileSync(join(cwd, 'lnmt-data', 'serve.json'), 'utf8')).pid, server.pid);
  });

  it('SIGTERM: clean shutdown, exit 0, serve.json removed, status says not running', async () => {
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
    server.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null);
    assert.equal(code, 0, err);
    assert.equal(existsSync(join(cwd, 'lnmt-data', 'serve.json')), false);
    assert.match(err, /shutting down/);
    assert.match(err, /lnmt serve stopped/);
    assert.doesNotMatch(err, /"level":(50|60)/, 'no error or fatal log lines');
    const r = await lnmt(['status'], { cwd });
    assert.match(r.stdout, /^server: +not running \(start it with/m);
    assert.match(r.stdout, /^devices: +1 /m);
  });

  it('SIGINT works the same way, and a stale serve.json is replaced at start', async () => {
    const dir = dirs.make();
    mkdirSync(join(dir, 'lnmt-data'));
    writeFileSync(join(dir, 'lnmt-data', 'serve.json'), JSON.stringify({ pid: 999999999, url: 'http://127.0.0.1:9', started_at: '', version: '' }));
    const p = await freePort();
    let stderr = '';
    const s = start(['serve', '--port', String(p), '--log-level', 'warn'], { cwd: dir });
    children.push(s);
    s.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await waitFor('serve.json of the new server', () => {
      const f = join(dir, 'lnmt-data', 'serve.json');
      return existsSync(f) && JSON.parse(readFileSync(f, 'utf8')).pid === s.pid ? true : undefined;
    });
    assert.match(stderr, /replacing a stale .*serve\.json \(pid 999999999 is not serving\)/);
    const exited = new Promise<number | null>((resolve) => s.once('exit', (code) => resolve(code)));
    s.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(existsSync(join(dir, 'lnmt-data', 'serve.json')), false);
  });

  it('SIGTERM while the background services are still starting (the API already answers): clean stop, exit 0', async () => {
    const dir = dirs.make();
    const p = await freePort();
    let stderr = '';
    // A fresh data dir: the sensor makes its persona and host keys first, so the API is up well before it is.
    const s = start(['serve', '--port', String(p)], { cwd: dir });
    children.push(s);
    s.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => s.once('exit', (code, signal) => resolve({ code, signal })));
    await waitFor('the API', async () => ((await curl([`http://127.0.0.1:${p}/api/health`])).status === 200 ? true : undefined), 20_000, 10);
    s.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /lnmt serve stopped/);
    assert.equal(existsSync(join(dir, 'lnmt-data', 'serve.json')), false);
  });
});
