import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchWriter } from '../../src/store/batch-writer.js';

describe('batch writer', () => {
  it('commits concurrent writes in few batches and resolves each caller when its batch commits', async () => {
    const batches: number[][] = [];
    const w = new BatchWriter<number>({ name: 't', maxSize: 100, maxDelayMs: 5, flush: async (items) => void batches.push(items) });
    await Promise.all(Array.from({ length: 250 }, (_, i) => w.write(i)));
    assert.deepEqual(batches.flat(), Array.from({ length: 250 }, (_, i) => i), 'every item once, in order');
    assert.ok(batches.length <= 4, `${batches.length} batches`);
    assert.equal(w.depth, 0);
  });

  it('rejects the writers of a failed batch and keeps going', async () => {
    let fail = true;
    const w = new BatchWriter<number>({ name: 't', maxSize: 10, maxDelayMs: 1, flush: async () => { if (fail) throw new Error('disk full'); } });
    await assert.rejects(w.write([1, 2]), /disk full/);
    fail = false;
    await w.write(3);
  });

  it('an empty write settles at once', async () => {
    const w = new BatchWriter<number>({ name: 't', maxSize: 10, maxDelayMs: 1000, flush: async () => {} });
    await w.write([]);
  });

  it('runs exclusive work between batches: after those queued before it, before those queued after', async () => {
    const log: string[] = [];
    const w = new BatchWriter<string>({ name: 't', maxSize: 100, maxDelayMs: 1, flush: async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      log.push(`batch ${items.join(',')}`);
    } });
    const a = w.write(['a']);
    const x = w.exclusive(async () => {
      log.push('exclusive start');
      await new Promise((r) => setTimeout(r, 10));
      log.push('exclusive end');
      return 42;
    });
    const b = w.write(['b']);
    assert.equal(await x, 42);
    await Promise.all([a, b]);
    assert.deepEqual(log, ['batch a', 'exclusive start', 'exclusive end', 'batch b']);
    await assert.rejects(w.exclusive(async () => { throw new Error('boom'); }), /boom/);
    await w.write(['c']); // a failed exclusive does not block later batches
  });
});
