/** `lnmt token create|list|revoke`: the secret is printed once, never listed, and revocation is by id or name. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ESC, TempDirs, ensureBuilt, lnmt } from './helpers.js';

const dirs = new TempDirs();
let cwd: string;
const run = (args: string[]) => lnmt(args, { cwd });
const secrets: string[] = [];

before(() => {
  ensureBuilt();
  cwd = dirs.make();
});
after(() => dirs.cleanup());

describe('token create', () => {
  it('prints only the secret on stdout, and the "cannot be shown again" note on stderr', async () => {
    const r = await run(['token', 'create', '--role', 'admin', '--name', 'ci']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^lnmt_[A-Za-z0-9_-]{43}\n$/);
    secrets.push(r.stdout.trim());
    assert.match(r.stderr, /created admin token "ci" \(id [0-9a-f-]{36}\)/);
    assert.match(r.stderr, /cannot be shown again/);
    assert.doesNotMatch(r.stderr, new RegExp(secrets[0]!));
    assert.doesNotMatch(r.stdout + r.stderr, ESC);
  });

  it('--json gives id, name, role, prefix, times and the secret; the default name is <role>-<time>', async () => {
    const r = await run(['token', 'create', '--role', 'viewer', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(t), ['id', 'name', 'role', 'prefix', 'created_at', 'last_used_at', 'revoked_at', 'secret']);
    assert.equal(t.role, 'viewer');
    assert.match(t.name, /^viewer-\d{8}-\d{6}$/);
    assert.ok(t.secret.startsWith(t.prefix));
    secrets.push(t.secret);
  });

  it('a bad role names the flag and the roles; exit 2', async () => {
    const r = await run(['token', 'create', '--role', 'root']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--role: not an accepted value; got "root"; allowed: one of admin, viewer/);
  });

  it('an active name cannot be reused (names are how tokens are revoked): exit 1', async () => {
    const r = await run(['token', 'create', '--role', 'viewer', '--name', 'ci']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /an active token named "ci" already exists/);
  });
});

describe('token list', () => {
  it('shows id, name, role, prefix, created, last used, revoked; never a secret', async () => {
    const r = await run(['token', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ID +NAME +ROLE +PREFIX +CREATED \(UTC\) +LAST USED +REVOKED$/m);
    assert.match(r.stdout, /^[0-9a-f-]{36} +ci +admin +lnmt_\S{6}… +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +- +-$/m);
    for (const s of secrets) assert.ok(!r.stdout.includes(s), 'secret leaked');
    assert.doesNotMatch(r.stdout, ESC);
  });

  it('--json has no secret and no hash', async () => {
    const r = await run(['token', 'list', '--json']);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(list.length, 2);
    for (const t of list) {
      assert.deepEqual(Object.keys(t), ['id', 'name', 'role', 'prefix', 'created_at', 'last_used_at', 'revoked_at']);
    }
    for (const s of secrets) assert.ok(!r.stdout.includes(s));
    assert.doesNotMatch(r.stdout, /token_hash|[0-9a-f]{64}/);
  });
});

describe('token revoke', () => {
  it('by name: shown as revoked afterwards', async () => {
    const r = await run(['token', 'revoke', 'ci']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^revoked admin token "ci" \(id [0-9a-f-]{36}\)$/m);
    const list = JSON.parse((await run(['token', 'list', '--json'])).stdout) as Array<{ name: string; revoked_at: string | null }>;
    assert.match(list.find((t) => t.name === 'ci')!.revoked_at ?? '', /^\d{4}-/);
  });

  it('by id prefix (8+ characters)', async () => {
    const list = JSON.parse((await run(['token', 'list', '--json'])).stdout) as Array<{ id: string; role: string; revoked_at: string | null }>;
    const viewer = list.find((t) => t.role === 'viewer')!;
    const r = await run(['token', 'revoke', viewer.id.slice(0, 13), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const revoked = JSON.parse(r.stdout);
    assert.equal(revoked[0].id, viewer.id);
    assert.ok(revoked[0].revoked_at);
  });

  it('again, or unknown: exit 1 with the reason', async () => {
    const again = await run(['token', 'revoke', 'ci']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /token "ci" is already revoked/);
    const unknown = await run(['token', 'revoke', 'nobody']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no active token with id, id prefix or name "nobody" \[LNMT_ERR_NOT_FOUND\]/);
  });

  it('after revocation a name can be used again', async () => {
    const r = await run(['token', 'create', '--role', 'admin', '--name', 'ci']);
    assert.equal(r.code, 0, r.stderr);
  });
});
