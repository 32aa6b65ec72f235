import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthPolicy } from '../../../src/honeynet/runtime/auth-policy.js';

describe('auth policy', () => {
  it('never, credentials (with wildcards), after N attempts, probability', () => {
    assert.equal(new AuthPolicy({ mode: 'never' }).accepts('root', 'root', 99), false);
    const creds = new AuthPolicy({ mode: 'credentials', credentials: [{ username: 'root', password: '123456' }, { username: '*', password: 'admin' }] });
    assert.equal(creds.accepts('root', '123456', 1), true);
    assert.equal(creds.accepts('root', '1234567', 1), false);
    assert.equal(creds.accepts('pi', 'admin', 1), true);
    assert.equal(creds.accepts('root', null, 1), false, 'a public key never matches a password list');
    const after = new AuthPolicy({ mode: 'after', attempts: 3 });
    assert.deepEqual([1, 2, 3, 4].map((n) => after.accepts('x', 'y', n)), [false, false, true, true]);
    const seq = [0.1, 0.9];
    const prob = new AuthPolicy({ mode: 'probability', p: 0.5 }, () => seq.shift()!);
    assert.deepEqual([prob.accepts('a', 'b', 1), prob.accepts('a', 'b', 2)], [true, false]);
  });
});
