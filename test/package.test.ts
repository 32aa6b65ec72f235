/**
 * The package contract a fresh clone relies on: `npm start` serves, `npm test` builds then runs every test file,
 * the `lnmt` bin is the thin launcher. Also the one test at the top of test/: the `test/*.test.ts` glob of the
 * test script must match a file, or Node 20 stops with "Could not find 'test/*.test.ts'" and runs nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  type: string;
  bin: Record<string, string>;
  engines: { node: string };
  scripts: Record<string, string>;
};

describe('package.json', () => {
  it('is ESM, for Node >= 20.19, with the lnmt bin', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.engines.node, '>=20.19');
    assert.deepEqual(pkg.bin, { lnmt: 'bin/lnmt.js' });
  });

  it('npm start runs lnmt serve', () => {
    assert.match(pkg.scripts.start ?? '', /bin\/lnmt\.js serve$/);
  });

  it('npm test builds dist/ (the e2e tests run the real binary) and lists test files by glob, not directory', () => {
    const test = pkg.scripts.test ?? '';
    const build = test.indexOf('build');
    const run = test.indexOf('--test');
    assert.ok(build >= 0 && build < run, `builds before testing: ${test}`);
    assert.match(test, /test\/\*\.test\.ts test\/\*\/\*\.test\.ts/);
  });
});

describe('bin/lnmt.js', () => {
  it('is an executable node script that runs runCli from dist/', () => {
    const bin = join(ROOT, 'bin', 'lnmt.js');
    const text = readFileSync(bin, 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'));
    assert.match(text, /runCli\(process\.argv\)/);
    assert.ok((statSync(bin).mode & 0o111) !== 0, 'executable bit set');
  });
});
