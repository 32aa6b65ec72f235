/**
 * Reverse DNS of new sources against a tiny DNS server on 127.0.0.1 (a random UDP port) that answers PTR
 * queries from a table, says NXDOMAIN for other names and never answers one name: the name returned, hits and
 * misses cached (the server sees one query), the timeout, and a profile's `rdns` filled through ThreatService.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { defaultConfig } from '../../src/core/config/defaults.js';
import { silentLogger } from '../../src/core/logger.js';
import { ReverseDns } from '../../src/core/reverse-dns.js';
import { ThreatService } from '../../src/threat/threat-service.js';
import { sqliteDialect } from '../fixtures/dialects.js';
import { connect, T0, TestClock } from './helpers.js';

const PTR: Record<string, string> = {
  '7.113.0.203.in-addr.arpa': 'scanner-7.example.net',
  '9.100.51.198.in-addr.arpa': 'bot.example.org',
  '66.113.0.203.in-addr.arpa': 'threat-svc.example.net',
  // 2001:db8::1
  [`${'1'}.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`]: 'v6-host.example.net',
};
/** Queries for this name are read and dropped: the lookup must give up by itself. */
const SILENT = '99.113.0.203.in-addr.arpa';
/** This one is answered, but only after `SLOW_MS`. */
const SLOW = '55.113.0.203.in-addr.arpa';
const SLOW_MS = 2100;

/** A DNS name in wire format: length-prefixed labels and a zero byte (RFC 1035 §3.1). */
function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** The question of a query: its name (lower-cased) and where the question section ends. */
function readQuestion(msg: Buffer): { name: string; end: number; type: number } | null {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < msg.length && msg[at] !== 0) {
    const len = msg[at]!;
    if (len > 63) return null; // no compression in a question we accept
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  if (at + 5 > msg.length) return null;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

/** A response to `query`: the header and question echoed, then one PTR answer or an NXDOMAIN (RFC 1035 §4.1). */
function respond(query: Buffer, q: { end: number }, target: string | null): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  const opcodeRd = query.readUInt16BE(2) & 0x7900;
  header.writeUInt16BE(0x8000 | opcodeRd | 0x0400 | 0x0080 | (target === null ? 3 : 0), 2); // QR, AA, RA, rcode
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(target === null ? 0 : 1, 6);
  const question = query.subarray(12, q.end);
  if (target === null) return Buffer.concat([header, question]);
  const rdata = encodeName(target);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  rr.writeUInt16BE(12, 2); // PTR
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(300, 6); // TTL
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, rr, rdata]);
}

class FakeDns {
  readonly seen = new Map<string, number>();
  private socket: Socket | null = null;
  private closed = false;
  port = 0;

  async start(): Promise<void> {
    const s = createSocket('udp4');
    this.socket = s;
    s.on('message', (msg, peer) => {
      const q = readQuestion(msg);
      if (!q) return;
      this.seen.set(q.name, (this.seen.get(q.name) ?? 0) + 1);
      if (q.name === SILENT) return;
      if (q.name === SLOW) {
        setTimeout(() => this.closed || s.send(respond(msg, q, 'slow.example.net'), peer.port, peer.address), SLOW_MS).unref();
        return;
      }
      const target = q.type === 12 ? (PTR[q.name] ?? null) : null;
      s.send(respond(msg, q, target), peer.port, peer.address);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve());
    });
    this.port = s.address().port;
  }

  queries(name: string): number {
    return this.seen.get(name) ?? 0;
  }

  async stop(): Promise<void> {
    this.closed = true;
    await new Promise<void>((r) => (this.socket ? this.socket.close(() => r()) : r()));
  }
}

describe('reverse DNS', () => {
  const dns = new FakeDns();
  before(() => dns.start());
  after(() => dns.stop());

  const make = (timeoutMs = 1000) => new ReverseDns({ timeoutMs, maxEntries: 100, servers: [`127.0.0.1:${dns.port}`] });

  it('returns the PTR name of an IPv4 and an IPv6 address', async () => {
    const r = make();
    assert.equal(await r.lookup('203.0.113.7'), 'scanner-7.example.net');
    assert.equal(await r.lookup('2001:db8::1'), 'v6-host.example.net');
  });

  it('caches a hit: two lookups, one query', async () => {
    const r = make();
    const before = dns.queries('9.100.51.198.in-addr.arpa');
    assert.equal(await r.lookup('198.51.100.9'), 'bot.example.org');
    assert.equal(await r.lookup('198.51.100.9'), 'bot.example.org');
    assert.equal(dns.queries('9.100.51.198.in-addr.arpa') - before, 1);
  });

  it('caches a miss (NXDOMAIN) too', async () => {
    const r = make();
    assert.equal(await r.lookup('203.0.113.42'), null);
    assert.equal(await r.lookup('203.0.113.42'), null);
    assert.equal(dns.queries('42.113.0.203.in-addr.arpa'), 1);
  });

  it('gives up after timeoutMs when the server never answers', async () => {
    const r = make(200);
    const t0 = performance.now();
    assert.equal(await r.lookup('203.0.113.99'), null);
    const took = performance.now() - t0;
    assert.ok(took >= 150 && took < 1000, `took ${took.toFixed(0)} ms`);
    assert.ok(dns.queries(SILENT) >= 1);
    r.cancel();
  });

  it('waits for a slow answer as long as timeoutMs allows, past 2 s', async () => {
    // The resolver's own timeout used to be a fixed 1 s (c-ares then gives up after 1 to 2 s), which cut a
    // longer configured timeout short: this answer, 2.1 s late, came back as null with timeoutMs 3000.
    const r = make(3000);
    assert.equal(await r.lookup('203.0.113.55'), 'slow.example.net');
    r.cancel();
  });

  it('fills the profile rdns of a new source through ThreatService (threat.reverseDns, scanner.dnsServers)', async () => {
    const d = sqliteDialect();
    const store = await d.open();
    try {
      const c = defaultConfig();
      c.node.name = 'hub-test';
      c.scanner.dnsServers = [`127.0.0.1:${dns.port}`];
      c.threat = { reverseDns: true, dnsTimeoutMs: 1000 };
      const bus = new MemoryBus({ logger: silentLogger() });
      const svc = new ThreatService({ store, bus, config: c, logger: silentLogger(), clock: new TestClock(T0 + 60_000) });
      await svc.start();
      await bus.publish([connect(T0, '203.0.113.66', 22), connect(T0 + 1, '203.0.113.77', 22)]);
      await bus.drain();
      const named = await svc.queries.attacker('203.0.113.66', { events: 5, detections: 5 });
      assert.equal(named?.attacker.rdns, 'threat-svc.example.net');
      const unnamed = await svc.queries.attacker('203.0.113.77', { events: 5, detections: 5 });
      assert.equal(unnamed?.attacker.rdns, null);
      await svc.pipeline.flush();
      const { items } = await svc.queries.attackers({ sort: 'score', limit: 10, offset: 0 });
      assert.equal(items.find((a) => a.ip === '203.0.113.66')?.rdns, 'threat-svc.example.net');
      await svc.stop();
    } finally {
      await d.cleanup();
    }
  });
});
