/**
 * The shared pinger (one raw ICMP socket for every ping of the process) and the ICMP check type: real echoes to
 * loopback through the raw socket (needs root or CAP_NET_RAW, which the test machine has), and a scripted echo
 * socket for what loopback cannot show (lost replies, timeouts, matching of replies to pings).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { EchoReplyHandler } from '../../src/inventory/scanner/methods/icmp-pinger.js';
import type { CheckDeps } from '../../src/monitor/check-type.js';
import { openSharedPinger, type EchoSocket, type SharedPinger } from '../../src/monitor/shared-pinger.js';
import { icmpCheck } from '../../src/monitor/types/icmp.js';
import { checkDeps, runCheck } from '../fixtures/servers/run-check.js';

/** Raw sockets this process holds: its socket fds whose inodes the kernel lists in /proc/net/raw{,6}. */
function rawSocketsOpen(): number {
  const raw = new Set<string>();
  for (const file of ['/proc/net/raw', '/proc/net/raw6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) raw.add(line.trim().split(/\s+/)[9]!);
  }
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode && raw.has(inode)) n++;
    } catch {
      // the fd closed while listing
    }
  }
  return n;
}

/** An echo socket the test answers by hand. */
class ScriptedSocket implements EchoSocket {
  sent: string[] = [];
  forgotten: string[] = [];
  closed = false;
  onReply!: EchoReplyHandler;
  send(ip: string): void {
    this.sent.push(ip);
  }
  forget(ip: string): void {
    this.forgotten.push(ip);
  }
  close(): void {
    this.closed = true;
  }
  reply(ip: string): void {
    this.onReply(ip, 1);
  }
}

function scripted(): { pinger: SharedPinger; sock: ScriptedSocket } {
  const sock = new ScriptedSocket();
  const opened = openSharedPinger({
    open: (onReply) => {
      sock.onReply = onReply;
      return { pinger: sock };
    },
  });
  assert.ok(opened.ping !== null);
  return { pinger: opened as SharedPinger, sock };
}

const never = new AbortController().signal;

describe('shared pinger over the raw socket', () => {
  let shared: SharedPinger | { ping: null; reason: string };
  let before0 = 0;

  before(() => {
    before0 = rawSocketsOpen();
    shared = openSharedPinger();
  });

  after(() => {
    if (shared.ping) (shared as SharedPinger).close();
  });

  it('echoes 127.0.0.1', async (t) => {
    if (!shared.ping) return t.skip(shared.reason);
    const rtt = await shared.ping('127.0.0.1', 1000, never);
    assert.ok(rtt !== null && rtt >= 0 && rtt < 1000, `rtt ${rtt}`);
  });

  it('200 pings at once, to 50 hosts and 4 times each, share one raw socket and all get their reply', async (t) => {
    if (!shared.ping) return t.skip(shared.reason);
    const pinger = shared as SharedPinger;
    const hosts = Array.from({ length: 50 }, (_, i) => `127.0.0.${i + 1}`);
    const all = hosts.flatMap((h) => [1, 2, 3, 4].map(() => pinger.ping(h, 2000, never)));
    assert.equal(pinger.pending(), 200);
    assert.equal(rawSocketsOpen() - before0, 1, 'one raw socket for all of them');
    const rtts = await Promise.all(all);
    assert.deepEqual(rtts.filter((r) => r === null), []);
    assert.equal(pinger.pending(), 0);
    assert.equal(rawSocketsOpen() - before0, 1);
  });

  it('echoes ::1 (a second socket, for IPv6)', async (t) => {
    if (!shared.ping) return t.skip(shared.reason);
    const rtt = await shared.ping('::1', 1000, never);
    if (rtt === null) return t.skip('no IPv6 loopback echo here');
    assert.ok(rtt >= 0);
    assert.equal(rawSocketsOpen() - before0, 2);
  });

  it('closing releases the sockets', async (t) => {
    if (!shared.ping) return t.skip(shared.reason);
    (shared as SharedPinger).close();
    assert.equal(rawSocketsOpen(), before0);
    assert.equal(await shared.ping('127.0.0.1', 500, never), null, 'a closed pinger answers null at once');
  });

  it('the icmp check pings through it: count 3, latency is the average', async (t) => {
    const own = openSharedPinger();
    if (!own.ping) return t.skip(own.reason);
    try {
      const deps = checkDeps({ ping: own.ping });
      const o = await runCheck(icmpCheck, '127.0.0.1', { count: 3 }, { deps, timeoutMs: 1000 });
      assert.equal(o.ok, true, o.message);
      assert.match(o.message, /^3\/3 replies, avg [\d.]+ ms \(min [\d.]+ ms, max [\d.]+ ms\)$/);
      const d = o.details as Record<string, number>;
      assert.equal(d.received, 3);
      assert.ok(d.minMs! <= d.avgMs! && d.avgMs! <= d.maxMs!);
      assert.equal(o.latencyMs, d.avgMs);
      const named = await runCheck(icmpCheck, 'localhost', {}, { deps, timeoutMs: 1000 });
      assert.equal(named.ok, true, named.message);
      assert.match(named.message, /^reply in [\d.]+ ms$/);
      assert.match(String(named.details?.ip), /^(127\.0\.0\.1|::1)$/);
    } finally {
      (own as SharedPinger).close();
    }
  });
});

describe('shared pinger: matching, timeouts and aborts (scripted echo socket)', () => {
  it('replies settle the pings to that host in order, each with its own RTT', async () => {
    const { pinger, sock } = scripted();
    const first = pinger.ping('10.9.0.1', 5000, never);
    await new Promise((r) => setTimeout(r, 20));
    const second = pinger.ping('10.9.0.1', 5000, never);
    assert.deepEqual(sock.sent, ['10.9.0.1', '10.9.0.1']);
    sock.reply('10.9.0.1');
    const rtt1 = await first;
    assert.ok(rtt1 !== null && rtt1 >= 15, `the first ping waited ~20 ms: ${rtt1}`);
    assert.equal(pinger.pending(), 1);
    assert.deepEqual(sock.forgotten, [], 'still waiting for that host');
    sock.reply('10.9.0.1');
    const rtt2 = await second;
    assert.ok(rtt2 !== null && rtt2 < rtt1);
    assert.deepEqual(sock.forgotten, ['10.9.0.1'], 'forgotten once nobody waits for it');
    sock.reply('10.9.0.1'); // a late duplicate: nobody waiting, ignored
    pinger.close();
  });

  it('matches addresses in any spelling (replies carry the canonical form)', async () => {
    const { pinger, sock } = scripted();
    const p = pinger.ping('2001:DB8:0::1', 1000, never);
    assert.deepEqual(sock.sent, ['2001:db8::1']);
    sock.reply('2001:db8::1');
    assert.notEqual(await p, null);
    pinger.close();
  });

  it('a ping with no reply resolves null at its timeout; a reply for another host does not count', async () => {
    const { pinger, sock } = scripted();
    const t0 = performance.now();
    const p = pinger.ping('10.9.0.2', 100, never);
    sock.reply('10.9.0.3');
    assert.equal(await p, null);
    assert.ok(performance.now() - t0 >= 95);
    assert.deepEqual(sock.forgotten, ['10.9.0.2']);
    pinger.close();
  });

  it('abort resolves null at once, an aborted signal or a bad address sends nothing', async () => {
    const { pinger, sock } = scripted();
    const ctl = new AbortController();
    const p = pinger.ping('10.9.0.4', 60_000, ctl.signal);
    ctl.abort();
    assert.equal(await p, null);
    assert.equal(await pinger.ping('10.9.0.5', 1000, ctl.signal), null);
    assert.equal(await pinger.ping('not-an-ip', 1000, never), null);
    assert.deepEqual(sock.sent, ['10.9.0.4']);
    assert.equal(pinger.pending(), 0);
    pinger.close();
  });

  it('close resolves the pings in flight with null and closes the socket', async () => {
    const { pinger, sock } = scripted();
    const p = [pinger.ping('10.9.0.6', 60_000, never), pinger.ping('10.9.0.6', 60_000, never), pinger.ping('10.9.0.7', 60_000, never)];
    pinger.close();
    assert.deepEqual(await Promise.all(p), [null, null, null]);
    assert.equal(sock.closed, true);
    assert.equal(pinger.pending(), 0);
  });

  it('without raw-socket permission there is no ping function, and the reason says why', () => {
    const r = openSharedPinger({ open: () => ({ reason: 'cannot open a raw ICMP socket (EPERM); run as root or grant CAP_NET_RAW' }) });
    assert.deepEqual(r, { ping: null, reason: 'cannot open a raw ICMP socket (EPERM); run as root or grant CAP_NET_RAW' });
  });
});

describe('icmp check with a scripted ping', () => {
  it('reports why ICMP is unavailable instead of pretending', async () => {
    const o = await runCheck(icmpCheck, '127.0.0.1', {}, { deps: checkDeps({ ping: null, pingUnavailable: 'cannot open a raw ICMP socket (EPERM)' }) });
    assert.deepEqual(o, { ok: false, latencyMs: null, message: 'ICMP unavailable: cannot open a raw ICMP socket (EPERM)' });
  });

  it('no reply: down at the timeout', async () => {
    const silent: CheckDeps['ping'] = (_ip, ms, signal) => new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), ms);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve(null)), { once: true });
    });
    const o = await runCheck(icmpCheck, '192.0.2.1', {}, { deps: checkDeps({ ping: silent }), timeoutMs: 150 });
    assert.equal(o.ok, false);
    assert.equal(o.message, 'no reply within 150 ms');
    const three = await runCheck(icmpCheck, '192.0.2.1', { count: 3 }, { deps: checkDeps({ ping: silent }), timeoutMs: 150 });
    assert.equal(three.message, '0/3 replies within 150 ms');
  });

  it('count: the echoes share the timeout, and one reply of three is up', async () => {
    const waits: number[] = [];
    let n = 0;
    const flaky: CheckDeps['ping'] = async (_ip, ms) => {
      waits.push(ms);
      return ++n === 2 ? 0.25 : null;
    };
    const o = await runCheck(icmpCheck, '192.0.2.1', { count: 3 }, { deps: checkDeps({ ping: flaky }), timeoutMs: 900 });
    assert.equal(o.ok, true, o.message);
    assert.equal(o.message, '1/3 replies, avg 0.25 ms (min 0.25 ms, max 0.25 ms)');
    assert.equal(o.latencyMs, 0.25);
    assert.equal(waits.length, 3);
    assert.ok(waits[0]! > 290 && waits[0]! <= 300, `first echo waits a third: ${waits[0]}`);
  });
});
