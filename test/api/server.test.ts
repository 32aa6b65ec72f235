/** The API on a real listening socket (ephemeral loopback port), driven by the real `curl` binary. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/app/context.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { makeContext, seed } from './helpers.js';

interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Runs curl with the response headers dumped to stdout ahead of the body, and splits the two. */
function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('curl', ['--silent', '--show-error', '--max-time', '10', '--dump-header', '-', ...args]);
    let out = '';
    let err = '';
    p.stdout.setEncoding('latin1').on('data', (c: string) => (out += c));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`curl exited ${code}: ${err}`));
      // Headers end at the first blank line; a 100-continue block may come first.
      let rest = out;
      let head = '';
      do {
        const i = rest.indexOf('\r\n\r\n');
        head = rest.slice(0, i);
        rest = rest.slice(i + 4);
      } while (/^HTTP\/[\d.]+ 100/.test(head));
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(rest, 'latin1').toString('utf8') });
    });
  });
}

describe('real server with curl', () => {
  let dir: string;
  let ctx: AppContext;
  let server: RunningServer;
  let viewer: string;
  let admin: string;

  before(async () => {
    ({ dir, ctx } = await makeContext({ LNMT_API__HOST: '127.0.0.1' }));
    ctx.config.api.port = 0; // ephemeral (the config schema itself accepts 1..65535)
    await seed(ctx, 150);
    viewer = (await ctx.repos.tokens.create('curl-viewer', 'viewer')).secret;
    admin = (await ctx.repos.tokens.create('curl-admin', 'admin')).secret;
    server = await startServer(ctx, { logger: false });
  });
  after(async () => {
    await server.close();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on an ephemeral loopback port and registers the api component', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.url, 'http://127.0.0.1:0');
    assert.deepEqual(ctx.components.get('api'), { status: 'up', detail: server.url });
    const r = await curl([`${server.url}/api/health`]);
    assert.equal(r.status, 200);
    const h = JSON.parse(r.body);
    assert.equal(h.status, 'ok');
    assert.equal(h.components.api.status, 'up');
  });

  it('needs a bearer token for /api routes', async () => {
    const r = await curl([`${server.url}/api/devices`]);
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="lnmt"');
    assert.equal(JSON.parse(r.body).code, 'LNMT_ERR_UNAUTHORIZED');
  });

  it('lists devices with a viewer token, filtered and paginated', async () => {
    const r = await curl(['-H', `Authorization: Bearer ${viewer}`, `${server.url}/api/devices?limit=10&offset=5&status=online`]);
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers['content-type']!, /^application\/json/);
    const p = JSON.parse(r.body);
    assert.equal(p.total, 100); // 150 devices, every third offline
    assert.equal(p.items.length, 10);
    assert.equal(p.items[0].ip, '10.0.0.9');
  });

  it('compresses with gzip for curl --compressed', async () => {
    const r = await curl(['--compressed', '-H', `Authorization: Bearer ${viewer}`, `${server.url}/api/devices?limit=100`]);
    assert.equal(r.status, 200);
    assert.match(r.headers['content-encoding']!, /^(br|gzip)$/);
    assert.equal(JSON.parse(r.body).items.length, 100);
  });

  it('adds, edits and removes a device as admin; a viewer gets 403', async () => {
    const add = await curl(['-X', 'POST', '-H', `Authorization: Bearer ${admin}`, '-H', 'content-type: application/json', '--data', '{"ip":"192.168.1.77","name":"camera"}', `${server.url}/api/devices`]);
    assert.equal(add.status, 201, add.body);
    const dev = JSON.parse(add.body);
    assert.equal(add.headers.location, `/api/devices/${dev.id}`);
    const patch = await curl(['-X', 'PATCH', '-H', `Authorization: Bearer ${admin}`, '-H', 'content-type: application/json', '--data', '{"notes":"porch"}', `${server.url}/api/devices/${dev.id}`]);
    assert.equal(patch.status, 200);
    assert.equal(JSON.parse(patch.body).notes, 'porch');
    const forbidden = await curl(['-X', 'DELETE', '-H', `Authorization: Bearer ${viewer}`, `${server.url}/api/devices/${dev.id}`]);
    assert.equal(forbidden.status, 403);
    const del = await curl(['-X', 'DELETE', '-H', `Authorization: Bearer ${admin}`, `${server.url}/api/devices/${dev.id}`]);
    assert.equal(del.status, 204);
  });

  it('reports a validation error naming the field', async () => {
    const r = await curl(['-X', 'POST', '-H', `Authorization: Bearer ${admin}`, '-H', 'content-type: application/json', '--data', '{"ip":"300.1.1.1"}', `${server.url}/api/devices`]);
    assert.equal(r.status, 400);
    const b = JSON.parse(r.body);
    assert.equal(b.code, 'LNMT_ERR_VALIDATION');
    assert.equal(b.details[0].where, 'body.ip');
  });

  it('serves /metrics to a token holder', async () => {
    const r = await curl(['-H', `Authorization: Bearer ${viewer}`, `${server.url}/metrics`]);
    assert.equal(r.status, 200);
    assert.match(r.body, /lnmt_http_request_duration_seconds_count\{method="GET",route="\/api\/devices",status_code="200"\}/);
  });

  it('marks the component down and refuses connections after close', async () => {
    const { url } = server;
    await server.close();
    assert.equal(ctx.components.get('api')?.status, 'down');
    await assert.rejects(curl([`${url}/api/health`]), /curl exited 7/);
  });
});
