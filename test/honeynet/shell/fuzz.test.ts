/** Hostile input: random strings, shell-ish token soup and raw bytes never throw, stay bounded, keep working. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shell } from './session-helper.js';

const LIMITS = { maxOutputBytes: 64 * 1024, overlayBytes: 256 * 1024 };

const TOKENS = [
  'echo', 'ls', '-la', 'cat', '/etc/passwd', '|', '||', '&&', ';', '&', '>', '>>', '<', '2>&1', '$(', ')', '`', "'", '"',
  '$HOME', '${X', '}', '*', '?', '/proc/*', 'cd', '..', 'rm', '-rf', '/', 'wget', 'http://x.example/a', 'sh', '-c',
  'busybox', 'X=1', '(', '\\', '\n', '<<', 'EOF', '$((', '1/0', '))', 'grep', 'sort', 'cp', '-r', '/etc', '/tmp/z',
  'alias', 'a=b', 'exit', 'su', 'sudo', 'history', 'ps', 'aux', 'top', 'chmod', '+x', 'mkdir', '-p', 'head', '-c', '99999',
];

function check(s: ReturnType<typeof shell>, input: string): void {
  const r = s.session.execute(input);
  assert.equal(typeof r.output, 'string');
  assert.ok(r.output.length <= LIMITS.maxOutputBytes, `output bounded (${r.output.length})`);
  assert.ok(s.session.overlayBytes <= LIMITS.overlayBytes, 'overlay bounded');
}

describe('fuzzing execute', () => {
  it('random unicode strings', () => {
    const s = shell({ limits: LIMITS });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (input) => check(s, input)), { numRuns: 400 });
  });

  it('random byte sequences (as the telnet layer may decode them)', () => {
    const s = shell({ limits: LIMITS });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(s, Buffer.from(bytes).toString('latin1'))),
      { numRuns: 400 },
    );
  });

  it('shell token soup, in fresh and long-lived sessions', () => {
    const long = shell({ limits: LIMITS });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (tokens) => {
        const input = tokens.join(' ');
        check(long, input);
        check(shell({ limits: LIMITS }), input);
      }),
      { numRuns: 300 },
    );
    const after = shell({ limits: LIMITS });
    assert.equal(after.run('echo ok'), 'ok\n');
  });

  it('memory stays bounded over many hostile lines in one session', () => {
    const s = shell({ limits: LIMITS });
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2_000; i++) {
      s.session.execute(`mkdir -p /tmp/d${i}/x; echo ${'A'.repeat(200)} >> /tmp/log; cat /proc/cpuinfo | grep -c flags; history | tail -1`);
    }
    assert.ok(s.session.overlayBytes <= LIMITS.overlayBytes);
    assert.ok(s.session.history.length <= 1_000);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 64 * 1024 * 1024, `heap grew by ${grown} bytes`);
  });
});
