/**
 * The TCP check type against real listeners on loopback: an open port, a closed one, banner servers, and a
 * listener whose accept queue is full (its SYNs are dropped, so a connect hangs until the timeout).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { tcpCheck } from '../../src/monitor/types/tcp.js';
import { runCheck } from '../fixtures/servers/run-check.js';

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Tracks accepted sockets so `after` can close them (a silent server never ends its side). */
function serve(onConnection: (s: Socket) => void): Server {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s)).on('error', () => {});
    onConnection(s);
  });
  server.on('close', () => open.forEach((s) => s.destroy()));
  return server;
}

describe('tcp check', () => {
  let plain: Server;
  let banner: Server;
  let pong: Server;
  let silent: Server;
  let chatty: Server;
  const port: Record<string, number> = {};

  before(async () => {
    plain = serve(() => {});
    banner = serve((s) => s.end('SSH-2.0-OpenSSH_9.6 lnmt-test\r\n'));
    pong = serve((s) => s.on('data', (d) => s.write(String(d).includes('PING') ? '+PONG\r\n' : '-ERR\r\n')));
    silent = serve(() => {});
    chatty = serve((s) => s.write('z'.repeat(10_000)));
    for (const [name, server] of Object.entries({ plain, banner, pong, silent, chatty })) port[name] = await listen(server);
  });

  after(async () => {
    await Promise.all([plain, banner, pong, silent, chatty].map(stop));
  });

  it('is up when the handshake completes; the latency is the connect time', async () => {
    const o = await runCheck(tcpCheck, `127.0.0.1:${port.plain}`);
    assert.equal(o.ok, true, o.message);
    assert.match(o.message, /^connected in [\d.]+ ms$/);
    assert.ok(o.latencyMs! > 0 && o.latencyMs! < 1000);
    assert.deepEqual(o.details, { ip: '127.0.0.1', port: port.plain });
  });

  it('resolves a host name and reports the lookup apart from the connect time', async () => {
    const o = await runCheck(tcpCheck, `LOCALHOST:${port.plain}`);
    assert.equal(o.ok, true, o.message);
    assert.equal(typeof o.details?.lookupMs, 'number');
    assert.equal(o.details?.ip, '127.0.0.1');
  });

  it('connects over IPv6 ([::1]:port)', async (t) => {
    const v6 = serve(() => {});
    let p: number;
    try {
      p = await listen(v6, '::1');
    } catch {
      return t.skip('no IPv6 loopback here');
    }
    try {
      const o = await runCheck(tcpCheck, `[::1]:${p}`);
      assert.equal(o.ok, true, o.message);
      assert.equal(o.details?.ip, '::1');
    } finally {
      await stop(v6);
    }
  });

  it('says connection refused for a closed port', async () => {
    const closed = serve(() => {});
    const p = await listen(closed);
    await stop(closed);
    const o = await runCheck(tcpCheck, `127.0.0.1:${p}`);
    assert.equal(o.ok, false);
    assert.equal(o.message, 'connection refused');
    assert.equal(o.latencyMs, null);
    assert.deepEqual(o.details, { code: 'ECONNREFUSED' });
  });

  describe('banners', () => {
    it('expect: up when the first bytes contain it', async () => {
      const o = await runCheck(tcpCheck, `127.0.0.1:${port.banner}`, { expect: 'SSH-2.0-' });
      assert.equal(o.ok, true, o.message);
      assert.match(o.message, /^connected in [\d.]+ ms; "SSH-2.0-" received$/);
      assert.match(String(o.details?.banner), /^SSH-2\.0-OpenSSH_9\.6/);
    });

    it('expect: down when the server closes without it, quoting what it sent', async () => {
      const o = await runCheck(tcpCheck, `127.0.0.1:${port.banner}`, { expect: 'SMTP' });
      assert.equal(o.ok, false);
      assert.match(o.message, /^connected in [\d.]+ ms; connection closed after 31 bytes without "SMTP": "SSH-2\.0-OpenSSH_9\.6 lnmt-test\\r\\n"$/);
      assert.ok(o.latencyMs !== null, 'the connect time is kept when the banner is wrong');
    });

    it('send + expect: a request/response exchange', async () => {
      assert.equal((await runCheck(tcpCheck, `127.0.0.1:${port.pong}`, { send: 'PING\r\n', expect: '+PONG' })).ok, true);
      const wrong = await runCheck(tcpCheck, `127.0.0.1:${port.pong}`, { send: 'HELLO\r\n', expect: '+PONG' }, { timeoutMs: 300 });
      assert.equal(wrong.ok, false);
      assert.match(wrong.message, /"\+PONG" not received within 300 ms \(got 6 bytes: "-ERR\\r\\n"\)$/);
    });

    it('a server that says nothing fails at the timeout', async () => {
      const o = await runCheck(tcpCheck, `127.0.0.1:${port.silent}`, { expect: 'hello' }, { timeoutMs: 200 });
      assert.equal(o.ok, false);
      assert.match(o.message, /^connected in [\d.]+ ms; "hello" not received within 200 ms \(got 0 bytes\)$/);
    });

    it('reads at most 4 KiB looking for it', async () => {
      const o = await runCheck(tcpCheck, `127.0.0.1:${port.chatty}`, { expect: 'never' });
      assert.equal(o.ok, false);
      assert.match(o.message, /"never" not in the first 4096 bytes: "zzz/);
      assert.equal(o.details?.bytes, 4096);
    });
  });

  describe('a listener that never accepts (accept queue full: SYNs dropped)', () => {
    let child: ChildProcess;
    let blackhole: number;
    const fillers: Socket[] = [];

    before(async () => {
      // A child listens with a backlog of 1 and blocks its event loop, so the kernel queues a couple of
      // connections and then drops further SYNs: a connect that neither succeeds nor is refused.
      child = spawn(process.execPath, ['-e', `
        const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
          console.log(s.address().port);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        });`], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      blackhole = Number(String(line).trim());
      for (let i = 0; i < 4; i++) fillers.push(connect(blackhole, '127.0.0.1').on('error', () => {}));
      await new Promise((r) => setTimeout(r, 100));
    });

    after(() => {
      fillers.forEach((s) => s.destroy());
      child.kill('SIGKILL');
    });

    it('times out naming the connect stage', async () => {
      const t0 = performance.now();
      const o = await runCheck(tcpCheck, `127.0.0.1:${blackhole}`, {}, { timeoutMs: 300 });
      const took = performance.now() - t0;
      assert.equal(o.ok, false);
      assert.equal(o.message, 'no answer within 300 ms (connect)');
      assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
    });

    it('stops at once when the monitor aborts', async () => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 30);
      const o = await runCheck(tcpCheck, `127.0.0.1:${blackhole}`, {}, { timeoutMs: 5000, signal: ctl.signal });
      assert.equal(o.message, 'cancelled (monitor stopping)');
    });
  });
});
