/**
 * `lnmt checks add|list|show|run|remove` and `lnmt uptime` against a temporary data directory, with a local TCP
 * listener and a closed port as the only targets. Definitions survive between processes (each command is one).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ESC, TempDirs, ensureBuilt, lnmt } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
let srv: Server;
let open: number;
const run = (args: string[]) => lnmt(args, { cwd });

before(async () => {
  ensureBuilt();
  cwd = dirs.make();
  srv = createServer((s) => s.on('error', () => {}).end('hello\r\n'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  open = (srv.address() as { port: number }).port;
});
after(() => {
  srv.close();
  dirs.cleanup();
});

describe('lnmt checks', () => {
  it('adds checks, attached to a device or standalone', async () => {
    assert.equal((await run(['devices', 'add', '127.0.0.1', '--name', 'self'])).code, 0);
    const a = await run(['checks', 'add', 'tcp', `127.0.0.1:${open}`, '--name', 'banner', '--device', '127.0.0.1', '--interval', '30s', '--param', 'expect=hello', '--tag', 'lab']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, new RegExp(`^added check "banner" \\(id [0-9a-f-]{36}\\): tcp 127\\.0\\.0\\.1:${open} every 30s$`, 'm'));
    const b = await run(['checks', 'add', 'tcp', '127.0.0.1:1', '--name', 'closed', '--device', '127.0.0.1', '--retries', '0', '--json']);
    assert.equal(b.code, 0, b.stderr);
    const j = JSON.parse(b.stdout) as { name: string; retries: number; state: string; device_id: number };
    assert.deepEqual([j.name, j.retries, j.state, j.device_id], ['closed', 0, 'unknown', 1]);
  });

  it('rejects bad flags naming them, and stores nothing', async () => {
    const r = await run(['checks', 'add', 'tcp', '127.0.0.1:22', '--interval', 'often', '--param', 'novalue']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--interval/);
    assert.match(r.stderr, /--param/);
    const t = await run(['checks', 'add', 'tcp', '127.0.0.1:22', '--param', 'expect=x', '--param', 'bogus=1']);
    assert.notEqual(t.code, 0);
    assert.match(t.stderr, /--param bogus/);
    const u = await run(['checks', 'add', 'ftp', 'x']);
    assert.match(u.stderr, /<type>/);
    const list = JSON.parse((await run(['checks', 'list', '--json'])).stdout) as { total: number };
    assert.equal(list.total, 2);
  });

  it('runs checks now, prints results, exits 1 when one failed, and stores state', async () => {
    const r = await run(['checks', 'run']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /banner\s+ok\s+up/);
    assert.match(r.stdout, /closed\s+fail\s+down\s+-\s+connection refused/);
    const ok = await run(['checks', 'run', 'banner', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { up: number }).up, 1);
  });

  it('lists with state and uptime, and shows one check with its results', async () => {
    const l = await run(['checks', 'list', '--tag', 'lab']);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /^NAME\s+TYPE\s+TARGET\s+STATE/m);
    assert.match(l.stdout, /banner\s+tcp\s+127\.0\.0\.1:\d+\s+up/);
    assert.doesNotMatch(l.stdout, /closed/);
    assert.doesNotMatch(l.stdout, ESC, 'no colours when not a terminal');
    const s = await run(['checks', 'show', 'banner', '--json']);
    assert.equal(s.code, 0, s.stderr);
    const d = JSON.parse(s.stdout) as { summary: Record<string, { total: number; uptime: number }>; recent: Array<{ ok: boolean }> };
    assert.deepEqual([d.summary['24h']!.total, d.summary['24h']!.uptime], [2, 100]);
    assert.equal(d.recent.length, 2);
  });

  it('uptime: the per-device report and one device over several windows', async () => {
    const all = await run(['uptime', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const rep = JSON.parse(all.stdout) as { window: string; items: Array<{ ip: string; total: number; up: number; down: number; uptime: number; checks: number }> };
    assert.equal(rep.window, '24h');
    assert.deepEqual(rep.items.map((i) => [i.ip, i.checks, i.total, i.up, i.down, i.uptime]), [['127.0.0.1', 2, 3, 2, 1, 66.6667]]);
    const one = await run(['uptime', '127.0.0.1', '--window', '24h,30d']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^24h\s+66\.67%\s+3\s+2\s+1\s+2$/m);
    assert.match(one.stdout, /^30d\s+66\.67%/m);
    const bad = await run(['uptime', '--window', 'forever']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--window/);
  });

  it('removes a check with its history', async () => {
    const r = await run(['checks', 'remove', 'closed']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /removed check "closed"/);
    assert.equal((await run(['checks', 'show', 'closed'])).code, 1);
  });
});
