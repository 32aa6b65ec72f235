/**
 * The persisted persona: created once (mode 0600, atomically, one winner when workers race), read back
 * unchanged, and a corrupt or invalid file is a clear error naming the file and field — never replaced.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { LnmtError } from '../../../src/core/errors.js';
import { generatePersona } from '../../../src/honeynet/persona/generate-persona.js';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { loadOrCreatePersona, personaFile } from '../../../src/honeynet/persona/persona-store.js';

const FAST = { hostKeys: { rsaBits: 1024 } };
let root: string;
let valid: Persona;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'lnmt-persona-'));
  valid = generatePersona({ random: 5, ...FAST });
});
after(() => rmSync(root, { recursive: true, force: true }));

const fresh = () => mkdtempSync(join(root, 'data-'));

function withFile(content: string): string {
  const dir = fresh();
  mkdirSync(join(dir, 'honeynet'));
  writeFileSync(personaFile(dir), content);
  return dir;
}

async function loadError(dir: string): Promise<LnmtError> {
  try {
    await loadOrCreatePersona(dir, FAST);
  } catch (err) {
    assert.ok(err instanceof LnmtError, String(err));
    assert.equal(err.code, 'LNMT_ERR_CONFIG');
    assert.ok(err.message.includes(personaFile(dir)), err.message);
    return err;
  }
  assert.fail('loadOrCreatePersona should have thrown');
}

describe('loadOrCreatePersona', () => {
  it('creates the file once, private (0600 in a 0700 directory), and reads the same persona back', async () => {
    const dir = fresh();
    const created = await loadOrCreatePersona(dir, FAST);
    const file = personaFile(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'honeynet')).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(dir, 'honeynet')), ['persona.json'], 'no temporary file left behind');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), created);
    assert.deepEqual(await loadOrCreatePersona(dir, FAST), created);
  });

  it('gives every worker of a simultaneous first start the same persona', { timeout: 60_000 }, async () => {
    const dir = fresh();
    const run = promisify(execFile);
    const store = new URL('../../../src/honeynet/persona/persona-store.ts', import.meta.url).href;
    const script = `const { loadOrCreatePersona } = await import(${JSON.stringify(store)}); const p = await loadOrCreatePersona(${JSON.stringify(dir)}, { hostKeys: { rsaBits: 1024 } }); console.log(p.id);`;
    const outs = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script])));
    const ids = outs.map((o) => o.stdout.trim());
    assert.equal(new Set(ids).size, 1, ids.join(' '));
    assert.equal(JSON.parse(readFileSync(personaFile(dir), 'utf8')).id, ids[0]);
    assert.deepEqual(readdirSync(join(dir, 'honeynet')), ['persona.json']);
  });

  it('reports a corrupt file and leaves it in place', async () => {
    const dir = withFile('{"version": 1, "hostname": ');
    const err = await loadError(dir);
    assert.match(err.details[0]?.message ?? '', /not valid JSON/);
    assert.equal(readFileSync(personaFile(dir), 'utf8'), '{"version": 1, "hostname": ');
  });

  it('names each invalid field', async () => {
    const bad = { ...valid, machineId: 'xyz', network: { ...valid.network, ip: '999.1.1.1' }, extra: true } as unknown as Persona;
    const err = await loadError(withFile(JSON.stringify(bad)));
    const wheres = err.details.map((d) => d.where);
    for (const field of ['machineId', 'network.ip', 'extra']) assert.ok(wheres.some((w) => w.endsWith(`: ${field}`)), `${field} in ${wheres.join(', ')}`);
  });

  it('names a host key ssh2 cannot use or of the wrong type', async () => {
    const swapped = { ...valid, hostKeys: { ...valid.hostKeys, rsa: valid.hostKeys.ecdsa } };
    const err = await loadError(withFile(JSON.stringify(swapped)));
    assert.deepEqual(err.details.map((d) => [d.where.split(': ')[1], d.message]), [['hostKeys.rsa', 'wrong key type']]);
    const lines = valid.hostKeys.ed25519.split('\n');
    const broken = { ...valid, hostKeys: { ...valid.hostKeys, ed25519: [lines[0], 'AAAA' + (lines[1] ?? '').slice(4, -4) + 'AAAA', ...lines.slice(2)].join('\n') } };
    const err2 = await loadError(withFile(JSON.stringify(broken)));
    assert.equal(err2.details[0]?.where.split(': ')[1], 'hostKeys.ed25519');
  });

  it('applies a configured hostname over the stored persona, and refuses a different OS family', async () => {
    const dir = withFile(JSON.stringify(valid));
    const renamed = await loadOrCreatePersona(dir, { hostname: 'nas-3' });
    assert.equal(renamed.hostname, 'nas-3');
    assert.equal(renamed.machineId, valid.machineId);
    assert.equal(JSON.parse(readFileSync(personaFile(dir), 'utf8')).hostname, valid.hostname);
    const other = valid.os.id === 'debian' ? 'ubuntu' : 'debian';
    await assert.rejects(loadOrCreatePersona(dir, { family: other }), (e: unknown) => e instanceof LnmtError && e.details[0]?.where === 'honeynet persona family');
  });
});
