/**
 * The sensor runtime with a tiny test service on a loopback port: connect/close events on the bus and in the
 * Cowrie-compatible JSON log, per-IP limits (refused connects are still events), the idle timeout, the input byte
 * cap, and exactly one close event however a session ends.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/core/bus/memory-bus.js';
import type { AnyEvent } from '../../../src/core/events.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ConnectionLimits } from '../../../src/honeynet/runtime/connection-limits.js';
import { HoneypotEventSink } from '../../../src/honeynet/runtime/event-sink.js';
import type { ServiceHandler } from '../../../src/honeynet/runtime/honeypot-service.js';
import { listenTcp, type RunningListener } from '../../../src/honeynet/runtime/tcp-listener.js';

const dir = mkdtempSync(join(tmpdir(), 'lnmt-runtime-'));
const logPath = join(dir, 'honeynet', 'events.jsonl');
const events: AnyEvent[] = [];
const bus = new MemoryBus({ logger: silentLogger() });
bus.subscribe({ name: 'test', types: ['honeypot.*'] }, async (batch) => {
  events.push(...batch);
});
const sink = new HoneypotEventSink({ bus, sensor: 'test-sensor', logPath });

/** Greets, then echoes each line as a "command" event. */
const handler: ServiceHandler = {
  handle(session) {
    session.socket.write('hello\r\n');
    session.noteOutput();
    session.socket.on('data', (d: Buffer) => {
      for (const line of d.toString('latin1').split(/\r?\n/).filter(Boolean)) session.emit('honeypot.command', { input: line, known: false });
    });
  },
  async stop() {},
};

let listener: RunningListener;
before(async () => {
  listener = await listenTcp({
    service: 'echo',
    bind: '127.0.0.1',
    port: 0,
    limits: new ConnectionLimits({ maxConnections: 100, maxPerIp: 2, connectsPerMinutePerIp: 1000 }),
    session: { idleTimeoutMs: 400, maxSessionMs: 10_000, maxBytesIn: 64 * 1024, maxBytesOut: 1 << 20 },
    sink,
    handler,
  });
});
after(async () => {
  await listener.close();
  await sink.close();
  await bus.drain();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Promise<{ sock: Socket; greeting: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(listener.address.port, '127.0.0.1');
    sock.once('error', reject);
    sock.once('data', (d) => resolve({ sock, greeting: d.toString() }));
  });
}
const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out; events: ${events.map((e) => e.type).join(',')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('honeypot TCP runtime', () => {
  it('emits connect, the service\'s events and one close with duration and byte counts', async () => {
    const { sock, greeting } = await open();
    assert.equal(greeting, 'hello\r\n');
    sock.write('uname -a\r\nid\r\n');
    await until(() => events.filter((e) => e.type === 'honeypot.command').length === 2);
    sock.end();
    await until(() => events.some((e) => e.type === 'honeypot.close'));
    const mine = events.filter((e) => e.session === events[0]!.session);
    assert.deepEqual(mine.map((e) => e.type), ['honeypot.connect', 'honeypot.command', 'honeypot.command', 'honeypot.close']);
    const close = mine[3]!;
    assert.ok(close.type === 'honeypot.close');
    assert.equal(close.data.bytes_in, 'uname -a\r\nid\r\n'.length);
    assert.equal(close.data.bytes_out, 7);
    assert.equal(close.data.src_ip, '127.0.0.1');
    assert.equal(close.src?.ip, '127.0.0.1');
    assert.equal(close.data.dst_port, listener.address.port);
  });

  it('writes Cowrie-compatible JSON lines', async () => {
    await until(() => readFileSync(logPath, 'utf8').includes('cowrie.session.closed'));
    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.slice(0, 4).map((l) => l.eventid), ['cowrie.session.connect', 'cowrie.command.failed', 'cowrie.command.failed', 'cowrie.session.closed']);
    const cmd = lines[1]!;
    assert.equal(cmd.input, 'uname -a');
    assert.equal(cmd.src_ip, '127.0.0.1');
    assert.equal(cmd.protocol, 'echo');
    assert.equal(typeof cmd.session, 'string');
    assert.equal(typeof (lines[3]!.duration), 'number');
  });

  it('refuses a third connection from one IP (per-IP limit) and still records it', async () => {
    const a = await open();
    const b = await open();
    const c = connect(listener.address.port, '127.0.0.1');
    c.on('error', () => {});
    await closed(c);
    await until(() => events.some((e) => e.type === 'honeypot.connect' && e.data.refused === 'per-ip-limit'));
    a.sock.destroy();
    b.sock.destroy();
    await until(() => listener.sessions() === 0);
  });

  it('closes idle sessions and sessions that send more than the byte cap', async () => {
    const idle = await open();
    const t0 = Date.now();
    await closed(idle.sock);
    assert.ok(Date.now() - t0 >= 300, 'not before the idle timeout');
    await until(() => events.some((e) => e.type === 'honeypot.close' && e.data.reason === 'idle timeout'));
    const flood = await open();
    flood.sock.on('error', () => {});
    flood.sock.write(Buffer.alloc(200 * 1024, 0x41));
    await closed(flood.sock);
    await until(() => events.some((e) => e.type === 'honeypot.close' && e.data.reason === 'input byte limit'));
    const closes = events.filter((e) => e.type === 'honeypot.close');
    assert.equal(new Set(closes.map((e) => e.session)).size, closes.length, 'one close per session');
  });
});
