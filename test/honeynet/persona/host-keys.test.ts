/**
 * Host keys: OpenSSH-format PEMs that ssh2 (the server we will run) parses, signs and verifies with, that real
 * ssh-keygen reads (when installed), and that are fresh on every generation.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { publicKeyLine } from '../../../src/honeynet/persona/openssh-key-format.js';
import { skipUnless, which } from '../ssh-profile/nmap-enum-algos.js';

const TYPES = { ed25519: 'ssh-ed25519', ecdsa: 'ecdsa-sha2-nistp256', rsa: 'ssh-rsa' } as const;
const keys = generateHostKeys('db-prod-2');
const dir = mkdtempSync(join(tmpdir(), 'lnmt-hostkeys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('generateHostKeys', () => {
  for (const [slot, type] of Object.entries(TYPES) as Array<[keyof typeof TYPES, string]>) {
    it(`${slot}: ssh2 parses it as ${type}, signs and verifies`, () => {
      assert.match(keys[slot], /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      const parsed = ssh2.utils.parseKey(keys[slot]);
      assert.ok(!(parsed instanceof Error), parsed instanceof Error ? parsed.message : '');
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      assert.ok(key && !(key instanceof Error));
      assert.equal(key.type, type);
      assert.equal(key.comment, 'root@db-prod-2');
      assert.ok(key.isPrivateKey());
      const data = Buffer.from('session-id');
      const sig = key.sign(data, type === 'ssh-rsa' ? 'sha512' : undefined);
      assert.ok(!(sig instanceof Error));
      assert.equal(key.verify(data, sig as Buffer, type === 'ssh-rsa' ? 'sha512' : undefined), true);
    });
  }

  it('RSA keys are 3072-bit, as ssh-keygen -A makes them', () => {
    const parsed = ssh2.utils.parseKey(keys.rsa);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    assert.ok(key && !(key instanceof Error));
    // The public blob: string "ssh-rsa", mpint e (3 bytes), mpint n (384 bytes + a leading zero).
    const n = key.getPublicSSH().subarray(4 + 7 + 4 + 3);
    assert.equal(n.readUInt32BE(0), 385);
  });

  it('real ssh-keygen reads each key and derives the same public line', (t) => {
    const skip = skipUnless({ 'ssh-keygen': which('ssh-keygen') });
    if (skip) return t.skip(skip);
    for (const slot of Object.keys(TYPES) as Array<keyof typeof TYPES>) {
      const file = join(dir, slot);
      writeFileSync(file, keys[slot], { mode: 0o600 });
      const fromKeygen = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
      const typeAndBlob = (line: string) => line.split(' ').slice(0, 2).join(' ');
      assert.equal(typeAndBlob(fromKeygen), typeAndBlob(publicKeyLine(keys[slot], 'root@db-prod-2')));
      assert.match(execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' }), /root@db-prod-2/);
    }
  });

  it('never repeats a key', () => {
    const again = generateHostKeys('db-prod-2', { rsaBits: 1024 });
    for (const slot of Object.keys(TYPES) as Array<keyof typeof TYPES>) assert.notEqual(again[slot], keys[slot]);
  });
});
