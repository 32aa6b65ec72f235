import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decayed, deposit, rankFloor, rankKey, scoreFromRank } from '../../src/threat/decay.js';
import { Lru } from '../../src/threat/lru.js';

const H = 3_600_000;

describe('decaying scores', () => {
  it('halves exactly every half-life, quarters after two', () => {
    const s = { value: 80, at: 0 };
    assert.equal(decayed(s, H, H), 40);
    assert.equal(decayed(s, 2 * H, H), 20);
    assert.equal(decayed(s, 0, H), 80);
    assert.equal(decayed(s, -5, H), 80, 'a time before the score does not raise it');
  });

  it('deposits accumulate on the decayed value; late deposits are decayed to the score time', () => {
    let s = { value: 0, at: 0 };
    s = deposit(s, 10, 0, H);
    s = deposit(s, 10, 0, H);
    assert.deepEqual(s, { value: 20, at: 0 });
    s = deposit(s, 5, H, H);
    assert.deepEqual(s, { value: 15, at: H });
    const late = deposit(s, 8, 0, H);
    assert.deepEqual(late, { value: 19, at: H });
  });

  it('the result does not depend on the order deposits arrive in (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10 * H }), fc.integer({ min: 1, max: 100 })), { minLength: 1, maxLength: 20 }), (ds) => {
        const apply = (list: Array<[number, number]>) => list.reduce((s, [t, a]) => deposit(s, a, t, H), { value: 0, at: 0 });
        const end = 11 * H;
        const a = decayed(apply(ds), end, H);
        const b = decayed(apply([...ds].reverse()), end, H);
        assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, a), `${a} vs ${b}`);
      }),
    );
  });

  it('rank keys order by current score at any instant and invert exactly', () => {
    const a = { value: 100, at: 0 };
    const b = { value: 60, at: H };
    // At 2H: a = 25, b = 30.
    assert.ok(rankKey(b, H) > rankKey(a, H));
    assert.ok(Math.abs(scoreFromRank(rankKey(a, H), 2 * H, H) - 25) < 1e-9);
    assert.ok(rankKey(a, H) >= rankFloor(25, 2 * H, H) - 1e-12);
    assert.ok(rankKey(a, H) < rankFloor(26, 2 * H, H));
  });
});

describe('LRU hot set', () => {
  it('never holds more than its capacity and evicts the least recently used', () => {
    const evicted: number[] = [];
    const lru = new Lru<number, number>(3, (k) => evicted.push(k));
    for (let i = 0; i < 3; i++) lru.set(i, i);
    lru.get(0);
    lru.set(3, 3);
    assert.deepEqual(evicted, [1]);
    for (let i = 10; i < 1000; i++) {
      lru.set(i, i);
      assert.ok(lru.size <= 3);
    }
    assert.deepEqual([...lru.keys()], [997, 998, 999]);
  });

  it('keeps the same order and evicts the same keys as a plain list model, whatever mix of set, get and delete', () => {
    const op = fc.tuple(fc.constantFrom('set', 'get', 'delete'), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 400 }), (cap, ops) => {
        const evicted: number[] = [];
        const modelEvicted: number[] = [];
        const lru = new Lru<number, number>(cap, (k) => evicted.push(k));
        const model: number[] = [];
        for (const [kind, k] of ops) {
          const at = model.indexOf(k);
          if (kind === 'set') {
            lru.set(k, k);
            if (at >= 0) model.splice(at, 1);
            model.push(k);
            if (model.length > cap) modelEvicted.push(model.shift()!);
          } else if (kind === 'get') {
            assert.equal(lru.get(k), at >= 0 ? k : undefined);
            if (at >= 0) model.push(...model.splice(at, 1));
          } else {
            lru.delete(k);
            if (at >= 0) model.splice(at, 1);
          }
          assert.deepEqual([...lru.keys()], model);
        }
        assert.deepEqual(evicted, modelEvicted);
      }),
      { numRuns: 300 },
    );
  });
});
