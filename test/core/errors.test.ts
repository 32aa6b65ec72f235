/** The coded error catalogue and the terminal formatting every CLI error goes through. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CATALOGUE, formatError, isLnmtError, LnmtError } from '../../src/core/errors.js';

describe('LnmtError', () => {
  it('carries its code, the HTTP status from the catalogue, details and cause', () => {
    const cause = new Error('disk full');
    const err = new LnmtError('LNMT_ERR_STORE', 'writing failed', { cause, details: [{ where: 'devices', message: 'insert failed' }] });
    assert.equal(err.code, 'LNMT_ERR_STORE');
    assert.equal(err.status, 500);
    assert.equal(err.cause, cause);
    assert.equal(err.name, 'LnmtError');
    assert.ok(isLnmtError(err));
    assert.ok(!isLnmtError(new Error('x')));
  });

  it('every code is LNMT_ERR_*, with an HTTP status and a title', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      assert.match(code, /^LNMT_ERR_[A-Z_]+$/);
      assert.ok(entry.status >= 400 && entry.status < 600, code);
      assert.ok(entry.title.length > 0, code);
    }
    assert.equal(new LnmtError('LNMT_ERR_VALIDATION', 'x').status, 400);
    assert.equal(new LnmtError('LNMT_ERR_NOT_FOUND', 'x').status, 404);
    assert.equal(new LnmtError('LNMT_ERR_FORBIDDEN', 'x').status, 403);
  });

  it('toJSON is the API error body: code, title, message, details; never the cause', () => {
    const err = new LnmtError('LNMT_ERR_VALIDATION', 'bad input', { cause: new Error('secret internals'), details: [{ where: 'body.ip', value: 'x', message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' }] });
    const body = JSON.parse(JSON.stringify(err));
    assert.deepEqual(body, {
      code: 'LNMT_ERR_VALIDATION',
      error: 'Invalid input',
      message: 'bad input',
      details: [{ where: 'body.ip', value: 'x', message: 'not an IP address', allowed: 'an IPv4 or IPv6 address' }],
    });
  });
});

describe('formatError', () => {
  it('prints the message with its code, then one indented line per detail with value and allowed', () => {
    const err = new LnmtError('LNMT_ERR_VALIDATION', '2 invalid options', {
      details: [
        { where: '--limit', value: 'abc', message: 'not an integer', allowed: 'an integer from 1 to 10000' },
        { where: '--status', value: 'bogus', message: 'not an accepted value', allowed: 'one of online, offline, unknown' },
        { where: 'targets', message: 'at least one target is required' },
      ],
    });
    assert.equal(
      formatError(err),
      [
        '2 invalid options [LNMT_ERR_VALIDATION]',
        '  --limit: not an integer; got "abc"; allowed: an integer from 1 to 10000',
        '  --status: not an accepted value; got "bogus"; allowed: one of online, offline, unknown',
        '  targets: at least one target is required',
      ].join('\n'),
    );
  });

  it('shows non-string values as JSON and appends the cause', () => {
    const err = new LnmtError('LNMT_ERR_CONFIG', 'invalid', { details: [{ where: 'api.port', value: 99999, message: 'invalid value' }], cause: new Error('root cause') });
    assert.equal(formatError(err), 'invalid [LNMT_ERR_CONFIG]\n  api.port: invalid value; got 99999\n  cause: root cause');
  });

  it('formats plain errors with their cause, and non-errors as text', () => {
    assert.equal(formatError(new Error('outer', { cause: new Error('inner') })), 'outer (cause: inner)');
    assert.equal(formatError(new Error('plain')), 'plain');
    assert.equal(formatError('just a string'), 'just a string');
  });
});
