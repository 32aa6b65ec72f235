import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConnectionLimits } from '../../../src/honeynet/runtime/connection-limits.js';

describe('connection limits', () => {
  it('caps connections globally and per source IP, and frees a slot on release (once)', () => {
    const l = new ConnectionLimits({ maxConnections: 3, maxPerIp: 2, connectsPerMinutePerIp: 1000 });
    const a1 = l.admit('10.0.0.1');
    const a2 = l.admit('10.0.0.1');
    assert.ok(a1.ok && a2.ok);
    assert.deepEqual(l.admit('10.0.0.1'), { ok: false, reason: 'per-ip-limit' });
    const b1 = l.admit('10.0.0.2');
    assert.ok(b1.ok);
    assert.deepEqual(l.admit('10.0.0.3'), { ok: false, reason: 'global-limit' });
    if (a1.ok) {
      a1.release();
      a1.release();
    }
    assert.equal(l.openConnections, 2);
    assert.ok(l.admit('10.0.0.3').ok);
    assert.deepEqual(l.refused, { 'global-limit': 1, 'per-ip-limit': 1, 'rate-limit': 0 });
  });

  it('limits the connect rate per source with a token bucket that refills over a minute', () => {
    let now = 0;
    const l = new ConnectionLimits({ maxConnections: 1000, maxPerIp: 1000, connectsPerMinutePerIp: 6 }, () => now);
    for (let i = 0; i < 6; i++) {
      const a = l.admit('198.51.100.7');
      assert.ok(a.ok);
      a.release();
    }
    assert.deepEqual(l.admit('198.51.100.7'), { ok: false, reason: 'rate-limit' });
    assert.ok(l.admit('198.51.100.8').ok, 'other sources are not affected');
    now += 10_000; // one token per 10 s
    assert.ok(l.admit('198.51.100.7').ok);
    assert.equal(l.admit('198.51.100.7').ok, false);
  });

  it('keeps bounded memory under a flood of distinct sources', () => {
    const l = new ConnectionLimits({ maxConnections: 10, maxPerIp: 1, connectsPerMinutePerIp: 1, maxTrackedIps: 1000 });
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { maxLength: 500 }), (ips) => {
        for (const ip of ips) {
          const a = l.admit(ip);
          if (a.ok) a.release();
        }
        assert.ok(l.trackedIps <= 1000);
        assert.equal(l.openConnections, 0);
      }),
    );
  });
});
