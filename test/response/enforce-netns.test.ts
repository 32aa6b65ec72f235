/**
 * nftables enforcement for real: two network namespaces on a veth pair, a TCP listener in the "sensor" one and a
 * client in the other. A ban made through the API (POST /api/decisions) stops the client from connecting; when
 * the ban expires it connects again; DELETE lifts a ban; a ban made by the real `lnmt` binary (another process,
 * same SQLite file) is applied from the change log; a restarted enforcer makes the set equal the bans in force.
 * The enforcer runs nft inside the sensor namespace. Root and nft are required under CI=true.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/core/logger.js';
import { commandRunner } from '../../src/response/enforce/nft-runner.js';
import { ResponseService } from '../../src/response/response-service.js';
import { makeApi, type TestApi } from '../api/helpers.js';
import { ensureBuilt, lnmt, waitFor } from '../e2e/helpers.js';
import { netnsSkip, VethPair } from '../fixtures/netns/veth-pair.js';

const skip = netnsSkip('the nftables enforcement test');
const PORT = 18022;
let pair: VethPair;
let CLIENT_IP = '';
let NET = '';

const connects = () => waitFor('the client to connect', async () => ((await pair.canConnect(PORT)) ? true : undefined), 30_000, 200);
const blocked = () => waitFor('the client to be blocked', async () => ((await pair.canConnect(PORT)) ? undefined : true), 30_000, 200);

describe('nftables enforcement in network namespaces', { skip }, () => {
  let api: TestApi;
  let app: FastifyInstance;
  let listener: ChildProcess | null = null;
  let enforcer: ResponseService | null = null;
  const startEnforcer = async () => {
    enforcer = new ResponseService({
      config: { ...api.ctx.config, response: { enforce: { enabled: true, table: 'lnmt_response', set: 'banned', pollIntervalMs: 200 }, sweepIntervalMs: 500 } },
      store: api.ctx.store,
      bus: api.ctx.bus,
      logger: silentLogger(),
      nftRunner: commandRunner(['ip', 'netns', 'exec', pair.sensorNs, 'nft']),
    });
    await enforcer.start();
  };
  const setElements = () => pair.exec(pair.sensorNs, ['nft', 'list', 'set', 'inet', 'lnmt_response', 'banned']);

  before(async () => {
    pair = VethPair.create();
    CLIENT_IP = pair.clientIp;
    NET = pair.net;
    listener = pair.spawn(pair.sensorNs, [process.execPath, '-e', `require('net').createServer((s)=>{s.on('error',()=>{});s.end('hi\\n');}).listen(${PORT},'::')`]);
    api = await makeApi();
    app = api.app;
    await startEnforcer();
  });

  after(async () => {
    await enforcer?.stop();
    listener?.kill('SIGKILL');
    await api?.close();
    pair?.destroySync();
  });

  it('connects before any ban', async () => {
    await connects();
  });

  it('POST /api/decisions bans the client; it is blocked; the ban expires and it connects again', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/decisions', headers: api.auth('admin'), payload: { target: CLIENT_IP, duration: '4s', reason: 'enforcement test' } });
    assert.equal(res.statusCode, 201, res.body);
    await blocked();
    assert.match(setElements(), new RegExp(`${CLIENT_IP.replace(/\./g, '\\.')} timeout`));
    await connects();
    // The sweep of this process marks it expired (decision.removed) as well.
    await waitFor('the sweep', async () => ((await api.ctx.response.decisions.get(res.json<{ id: string }>().id))?.removed_reason === 'expired' ? true : undefined), 15_000, 200);
  });

  it('DELETE /api/decisions/:id lifts a permanent ban', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/decisions', headers: api.auth('admin'), payload: { target: `${NET}.0/29`, duration: 'permanent' } });
    assert.equal(res.statusCode, 201, res.body);
    await blocked();
    const del = await app.inject({ method: 'DELETE', url: `/api/decisions/${res.json<{ id: string }>().id}`, headers: api.auth('admin') });
    assert.equal(del.statusCode, 204, del.body);
    await connects();
  });

  it('an IPv6 ban goes to the IPv6 set: the client is cut off over IPv6 and still connects over IPv4', async () => {
    const v6 = () => pair.canConnect(PORT, 1000, pair.sensorIp6);
    await waitFor('the client to connect over IPv6', async () => ((await v6()) ? true : undefined), 30_000, 200);
    const res = await app.inject({ method: 'POST', url: '/api/decisions', headers: api.auth('admin'), payload: { target: pair.clientIp6, duration: '1h', reason: 'v6 test' } });
    assert.equal(res.statusCode, 201, res.body);
    await waitFor('the client to be blocked over IPv6', async () => ((await v6()) ? undefined : true), 30_000, 200);
    assert.equal(await pair.canConnect(PORT), true, 'IPv4 is not banned');
    assert.ok(pair.exec(pair.sensorNs, ['nft', 'list', 'set', 'inet', 'lnmt_response', 'banned6']).includes(pair.clientIp6), 'the address is in the IPv6 set');
    const del = await app.inject({ method: 'DELETE', url: `/api/decisions/${res.json<{ id: string }>().id}`, headers: api.auth('admin') });
    assert.equal(del.statusCode, 204, del.body);
    await waitFor('the client to connect over IPv6 again', async () => ((await v6()) ? true : undefined), 30_000, 200);
  });

  it('a restarted enforcer makes the set equal the bans in force (reconcile)', async () => {
    await enforcer!.stop();
    await api.ctx.response.decisions.add({ target: CLIENT_IP, action: 'ban', origin: 'manual', durationMs: 3_600_000 });
    await api.ctx.response.decisions.add({ target: '203.0.113.9', action: 'ban', origin: 'manual', durationMs: 3_600_000 });
    // Something put there by hand is gone after the reconcile.
    pair.exec(pair.sensorNs, ['nft', 'add', 'element', 'inet', 'lnmt_response', 'banned', '{ 192.0.2.200 }']);
    await startEnforcer();
    const listed = setElements();
    assert.match(listed, new RegExp(CLIENT_IP.replace(/\./g, '\\.')));
    assert.match(listed, /203\.0\.113\.9/);
    assert.doesNotMatch(listed, /192\.0\.2\.200/);
    assert.equal(await pair.canConnect(PORT), false);
    await api.ctx.response.decisions.remove(CLIENT_IP, 'x');
    await api.ctx.response.decisions.remove('203.0.113.9', 'x');
    await connects();
  });

  it('the lnmt binary (another process) bans and unbans through the same store', { timeout: 300_000 }, async () => {
    ensureBuilt();
    const env = { LNMT_DATA_DIR: api.dir, LNMT_LOG__LEVEL: 'warn' };
    const add = await lnmt(['decisions', 'add', CLIENT_IP, '--duration', '1h', '--reason', 'cli test'], { cwd: api.dir, env, timeoutMs: 60_000 });
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, new RegExp(`banned ${CLIENT_IP.replace(/\./g, '\\.')} until`));
    await blocked();
    const list = await lnmt(['decisions', 'list', '--json'], { cwd: api.dir, env, timeoutMs: 60_000 });
    assert.equal(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as { items: Array<{ target: string; reason: string }> }).items[0]!.reason, 'cli test');
    const bl = await lnmt(['blocklist'], { cwd: api.dir, env, timeoutMs: 60_000 });
    assert.equal(bl.stdout, `${CLIENT_IP}\n`);
    const refused = await lnmt(['decisions', 'add', '127.0.0.5'], { cwd: api.dir, env, timeoutMs: 60_000 });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /allowlist \(loopback: 127\.0\.0\.0\/8\)/);
    const rm = await lnmt(['decisions', 'remove', CLIENT_IP], { cwd: api.dir, env, timeoutMs: 60_000 });
    assert.equal(rm.code, 0, rm.stderr);
    await connects();
  });
});
