/**
 * The ssh2 extension's plumbing: scripts/patch-ssh2.mjs has hooked this node_modules copy of ssh2 (npm's
 * postinstall), re-running it changes nothing, it refuses another ssh2 version or text it does not recognise
 * without writing anything, and once installed ssh2 accepts the added algorithm names.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ssh2, { type KexAlgorithm, type MacAlgorithm } from 'ssh2';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { installSsh2Extensions, SSH2_EXTENSION_ALGORITHMS } from '../../../src/honeynet/ssh-crypto/ssh2-extensions.js';
import { loadSsh2Internals } from '../../../src/honeynet/ssh-crypto/ssh2-internals.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/patch-ssh2.mjs', import.meta.url));
const SSH2_ROOT = dirname(createRequire(import.meta.url).resolve('ssh2/package.json'));
const HOOKED = ['lib/protocol/kex.js', 'lib/protocol/crypto.js', 'lib/server.js'];
const patch = (dir?: string) => spawnSync(process.execPath, [SCRIPT, ...(dir ? [dir] : [])], { encoding: 'utf8' });

describe('scripts/patch-ssh2.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-ssh2-patch-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** A copy of ssh2's package.json and hooked files, edited by `edit`. */
  const copy = (name: string, edit: (file: string, text: string) => string) => {
    const root = join(dir, name);
    for (const file of ['package.json', ...HOOKED]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), edit(file, readFileSync(join(SSH2_ROOT, file), 'utf8')));
    }
    return root;
  };

  it('has hooked the installed ssh2 (postinstall), and running it again changes nothing', () => {
    const before = HOOKED.map((f) => readFileSync(join(SSH2_ROOT, f), 'utf8'));
    for (const text of before) assert.match(text, /^\/\* lnmt-ssh2-hooks v2 /);
    const r = patch();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /already patched/);
    assert.deepEqual(HOOKED.map((f) => readFileSync(join(SSH2_ROOT, f), 'utf8')), before);
  });

  it('refuses any other ssh2 version, loudly', () => {
    const root = copy('other-version', (file, text) => (file === 'package.json' ? text.replace('"version": "1.17.0"', '"version": "1.18.0"') : text));
    const r = patch(root);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ssh2 1\.18\.0 is installed; this patch is for exactly 1\.17\.0/);
  });

  it('refuses source it does not recognise and leaves every file as it was', () => {
    // Unmarked files whose anchors no longer match (as if ssh2 1.17.0 had been rebuilt differently).
    const root = copy('changed', (file, text) => (file === 'package.json' ? text : text.replace(/^\/\* lnmt-ssh2-hooks[^\n]*\n/, '')));
    const before = HOOKED.map((f) => readFileSync(join(root, f), 'utf8'));
    const r = patch(root);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /expected \d+ occurrence/);
    assert.match(r.stderr, /review scripts\/patch-ssh2\.mjs/);
    assert.deepEqual(HOOKED.map((f) => readFileSync(join(root, f), 'utf8')), before);
  });

  it('reports a marked file that lacks its edits', () => {
    const root = copy('half', (file, text) => (file === 'lib/server.js' ? text.replace('!Array.isArray(cfgAlgos.serverHostKey)', 'true') : text));
    const r = patch(root);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /lib\/server\.js carries the patch marker but lacks 1 of its edits/);
  });
});

describe('installSsh2Extensions', () => {
  it('registers sntrup761x25519 and UMAC with ssh2, once however often it is called', () => {
    assert.deepEqual(installSsh2Extensions(), { installed: true });
    assert.deepEqual(installSsh2Extensions(), { installed: true });
    const internals = loadSsh2Internals();
    for (const name of SSH2_EXTENSION_ALGORITHMS.kex) {
      assert.ok(internals.kexExtensions.has(name), name);
      assert.equal(internals.supportedKex.filter((n) => n === name).length, 1, name);
    }
    for (const name of SSH2_EXTENSION_ALGORITHMS.mac) {
      assert.equal(internals.supportedMac.filter((n) => n === name).length, 1, name);
      assert.ok(internals.macExtensions.has(internals.macInfo[name]!.sslName), name);
    }
  });

  it('lets ssh2 accept the added names in a server configuration', () => {
    installSsh2Extensions();
    const keys = generateHostKeys('ext-test', { rsaBits: 2048 });
    assert.doesNotThrow(() => new ssh2.Server({
      hostKeys: [keys.rsa, keys.ed25519],
      algorithms: {
        kex: [...SSH2_EXTENSION_ALGORITHMS.kex] as string[] as KexAlgorithm[],
        hmac: [...SSH2_EXTENSION_ALGORITHMS.mac] as string[] as MacAlgorithm[],
        serverHostKey: ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-ed25519'],
      },
    }));
  });
});
