import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus } from '../../src/core/bus/memory-bus.js';
import { makeEvent, type AnyEvent } from '../../src/core/events.js';

const ev = (n: number): AnyEvent => makeEvent('scan.started', { scan_id: String(n), targets: [], addresses: n, methods: [] }, { sensor: 't' }) as AnyEvent;
const dev = (): AnyEvent => makeEvent('device.removed', { device: { id: 1, ip: '10.0.0.1', mac: null, vendor: null, hostname: null } }, { sensor: 't' }) as AnyEvent;

describe('in-process bus', () => {
  it('delivers every event to every subscriber in order, in batches', async () => {
    const bus = new MemoryBus();
    const a: string[] = [];
    const b: string[] = [];
    let batches = 0;
    bus.subscribe({ name: 'a', maxBatch: 100 }, (evs) => {
      batches++;
      a.push(...evs.map((e) => (e.data as { scan_id: string }).scan_id));
    });
    bus.subscribe({ name: 'b' }, (evs) => void b.push(...evs.map((e) => (e.data as { scan_id: string }).scan_id)));
    await bus.publish(Array.from({ length: 1000 }, (_, i) => ev(i)));
    await bus.drain();
    assert.deepEqual(a, Array.from({ length: 1000 }, (_, i) => String(i)));
    assert.deepEqual(b, a);
    assert.ok(batches >= 10 && batches < 1000, `batched: ${batches}`);
    assert.equal(bus.stats().queueDepth, 0);
  });

  it('filters by exact type and by prefix wildcard', async () => {
    const bus = new MemoryBus();
    const exact: string[] = [];
    const prefix: string[] = [];
    bus.subscribe({ name: 'x', types: ['device.removed'] }, (evs) => void exact.push(...evs.map((e) => e.type)));
    bus.subscribe({ name: 'y', types: ['scan.*'] }, (evs) => void prefix.push(...evs.map((e) => e.type)));
    await bus.publish([ev(1), dev(), ev(2)]);
    await bus.drain();
    assert.deepEqual(exact, ['device.removed']);
    assert.deepEqual(prefix, ['scan.started', 'scan.started']);
  });

  it('redelivers a batch whose handler failed, and a failing subscriber does not block others', async () => {
    const bus = new MemoryBus({ maxAttempts: 3 });
    let calls = 0;
    const got: number[] = [];
    const other: number[] = [];
    bus.subscribe({ name: 'flaky' }, (evs) => {
      calls++;
      if (calls === 1) throw new Error('transient');
      got.push(...evs.map((e) => (e.data as { addresses: number }).addresses));
    });
    bus.subscribe({ name: 'ok' }, (evs) => void other.push(...evs.map((e) => (e.data as { addresses: number }).addresses)));
    await bus.publish([ev(1), ev(2)]);
    await bus.drain();
    assert.deepEqual(got, [1, 2]);
    assert.deepEqual(other, [1, 2]);
    assert.equal(bus.stats().redelivered, 2);
  });

  it('applies backpressure: publish waits while a subscriber is over the high-water mark', async () => {
    const bus = new MemoryBus({ highWaterMark: 10 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.subscribe({ name: 'slow', maxBatch: 5 }, async () => {
      await gate;
    });
    await bus.publish(Array.from({ length: 10 }, (_, i) => ev(i)));
    let published = false;
    const p = bus.publish([ev(99)]).then(() => (published = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(published, false, 'publish is held back');
    release();
    await p;
    await bus.drain();
    assert.equal(bus.stats().queueDepth, 0);
  });

  it('a subscriber publishing other types from its handler never waits on its own full queue (no deadlock)', async () => {
    const bus = new MemoryBus({ highWaterMark: 10 });
    const seen: string[] = [];
    const outputs: string[] = [];
    let calls = 0;
    // Like the threat pipeline: consumes scan.* and publishes device.* from its handler.
    bus.subscribe({ name: 'pipeline', types: ['scan.*'], maxBatch: 5 }, async (evs) => {
      calls++;
      seen.push(...evs.map((e) => (e.data as { scan_id: string }).scan_id));
      await bus.publish([dev()]);
    });
    bus.subscribe({ name: 'out', types: ['device.*'] }, (evs) => void outputs.push(...evs.map((e) => e.type)));
    // Published without yielding first, so the pipeline's queue fills to the mark before it runs.
    const producer = (async () => {
      for (let i = 0; i < 40; i++) await bus.publish([ev(i)]);
    })();
    const done = await Promise.race([producer.then(() => 'done'), new Promise((r) => setTimeout(() => r('deadlock'), 2000))]);
    assert.equal(done, 'done');
    await bus.drain();
    assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => String(i)));
    assert.equal(outputs.length, calls, 'one device event per delivered batch');
  });

  it('a publish still waits for a full subscriber that would receive it, and not for one that would not', async () => {
    const bus = new MemoryBus({ highWaterMark: 3 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.subscribe({ name: 'scans', types: ['scan.*'], maxBatch: 1 }, async () => {
      await gate;
    });
    await bus.publish([ev(1), ev(2), ev(3)]);
    let other = false;
    await bus.publish([dev()]).then(() => (other = true));
    assert.equal(other, true, 'device events do not wait on the scans subscriber');
    let same = false;
    const p = bus.publish([ev(4)]).then(() => (same = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(same, false);
    release();
    await p;
    await bus.drain();
  });
});
