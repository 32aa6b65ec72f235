/**
 * nftables enforcement for real: two network namespaces on a veth pair, a TCP listener in the "sensor" one and a
 * client in the other. A ban made through the API (POST /api/decisions) stops the client from connecting; when
 * the ban expires it connects again; DELETE lifts a ban; a ban made by the real `lnmt` binary (another process,
 * same SQLite file) is applied from the change log; a restarted enforcer makes the set equal the bans in force.
 * The enforcer runs nft inside the sensor namespace. Root and nft are required under CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/core/logger.js';
import { commandRunner } from '../../src/response/enforce/nft-runner.js';
import { ResponseService } from '../../src/response/response-service.js';
import { makeApi, type TestApi } from '../api/helpers.js';
import { ensureBuilt, lnmt, waitFor } from '../e2e/helpers.js';

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function kernelSkip(): string | false {
  const why = !which('nft') ? 'nft not installed' : process.getuid?.() !== 0 ? 'needs root' : false;
  if (why && process.env.CI === 'true') throw new Error(`${why}: the nftables enforcement test must run in CI (as root, with nftables installed)`);
  return why;
}

const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const SENSOR_NS = `lnmt-es-${tag}`;
const CLIENT_NS = `lnmt-ec-${tag}`;
// 198.18.0.0/15 is for benchmarking (RFC 2544): never one of this host's own networks.
const NET = `198.18.${Math.floor(Math.random() * 250) + 1}`;
const SENSOR_IP = `${NET}.1`;
const CLIENT_IP = `${NET}.2`;
const PORT = 18022;

function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
}

/** Whether the client namespace can open a TCP connection to the listener (1 s timeout). */
function canConnect(): Promise<boolean> {
  const code = `const s=require('net').connect(${PORT},'${SENSOR_IP}');s.setTimeout(1000,()=>process.exit(1));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
  return new Promise((resolve) => {
    const c = spawn('ip', ['netns', 'exec', CLIENT_NS, process.execPath, '-e', code], { stdio: 'ignore' });
    c.on('close', (status) => resolve(status === 0));
  });
}

const connects = () => waitFor('the client to connect', async () => ((await canConnect()) ? true : undefined), 30_000, 200);
const blocked = () => waitFor('the client to be blocked', async () => ((await canConnect()) ? undefined : true), 30_000, 200);

describe('nftables enforcement in network namespaces', { skip: kernelSkip() }, () => {
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
      nftRunner: commandRunner(['ip', 'netns', 'exec', SENSOR_NS, 'nft']),
    });
    await enforcer.start();
  };
  const setElements = () => sh('ip', 'netns', 'exec', SENSOR_NS, 'nft', 'list', 'set', 'inet', 'lnmt_response', 'banned');

  before(async () => {
    sh('ip', 'netns', 'add', SENSOR_NS);
    sh('ip', 'netns', 'add', CLIENT_NS);
    sh('ip', 'link', 'add', `ves${tag}`, 'netns', SENSOR_NS, 'type', 'veth', 'peer', 'name', `vec${tag}`, 'netns', CLIENT_NS);
    sh('ip', '-n', SENSOR_NS, 'addr', 'add', `${SENSOR_IP}/24`, 'dev', `ves${tag}`);
    sh('ip', '-n', CLIENT_NS, 'addr', 'add', `${CLIENT_IP}/24`, 'dev', `vec${tag}`);
    for (const [ns, dev] of [[SENSOR_NS, `ves${tag}`], [CLIENT_NS, `vec${tag}`]] as const) {
      sh('ip', '-n', ns, 'link', 'set', dev, 'up');
      sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    }
    listener = spawn('ip', ['netns', 'exec', SENSOR_NS, process.execPath, '-e', `require('net').createServer((s)=>{s.on('error',()=>{});s.end('hi\\n');}).listen(${PORT},'0.0.0.0')`], { stdio: 'ignore' });
    api = await makeApi();
    app = api.app;
    await startEnforcer();
  });

  after(async () => {
    await enforcer?.stop();
    listener?.kill('SIGKILL');
    await api?.close();
    spawnSync('ip', ['netns', 'del', SENSOR_NS]);
    spawnSync('ip', ['netns', 'del', CLIENT_NS]);
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

  it('a restarted enforcer makes the set equal the bans in force (reconcile)', async () => {
    await enforcer!.stop();
    await api.ctx.response.decisions.add({ target: CLIENT_IP, action: 'ban', origin: 'manual', durationMs: 3_600_000 });
    await api.ctx.response.decisions.add({ target: '203.0.113.9', action: 'ban', origin: 'manual', durationMs: 3_600_000 });
    // Something put there by hand is gone after the reconcile.
    sh('ip', 'netns', 'exec', SENSOR_NS, 'nft', 'add', 'element', 'inet', 'lnmt_response', 'banned', '{ 192.0.2.200 }');
    await startEnforcer();
    const listed = setElements();
    assert.match(listed, new RegExp(CLIENT_IP.replace(/\./g, '\\.')));
    assert.match(listed, /203\.0\.113\.9/);
    assert.doesNotMatch(listed, /192\.0\.2\.200/);
    assert.equal(await canConnect(), false);
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
