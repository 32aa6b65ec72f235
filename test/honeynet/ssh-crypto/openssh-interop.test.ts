/**
 * The real oracle: the OpenSSH client of this machine (Debian 12's ssh) against the SSH honeypot, forced onto each
 * algorithm the ssh2 extension adds: sntrup761x25519-sha512 under both names, and the four UMAC MACs (with a CTR
 * cipher, since AEAD ciphers carry no MAC). Each must complete key exchange, password authentication and an exec;
 * one upload with a small RekeyLimit pushes many full-size UMAC packets through repeated sntrup761 re-keying.
 * Fails rather than skips under CI=true when ssh is missing.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnyEvent } from '../../../src/core/events.js';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import type { ShellFactory } from '../../../src/honeynet/runtime/shell-like.js';
import { sshService } from '../../../src/honeynet/services/ssh/ssh-service.js';
import { runSsh } from '../../fixtures/openssh-client.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { startTestService, type TestService } from '../services/service-harness.js';
import { skipUnless, which } from '../ssh-profile/nmap-enum-algos.js';

const persona = { ...TEST_PERSONA, ssh: { versionString: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10' }, hostKeys: generateHostKeys('interop', { rsaBits: 2048 }) };
const shell: ShellFactory = () => ({ prompt: () => '$ ', banner: () => '', execute: async (line) => ({ output: `ran: ${line}\n`, exit: false }) });

let svc: TestService | undefined;
const skip = skipUnless({ ssh: which('ssh') });

before(async () => {
  if (skip) return;
  svc = await startTestService(sshService({ shell }), {
    persona, settings: { auth: { mode: 'credentials', credentials: [{ username: 'root', password: 'toor' }] }, failDelayMs: 0, maxAttempts: 6 },
    limits: { maxConnections: 50, maxPerIp: 50, connectsPerMinutePerIp: 1000 }, session: { idleTimeoutMs: 10_000, maxSessionMs: 60_000, maxBytesIn: 16 << 20, maxBytesOut: 1 << 20 },
    maxFileBytes: 4 << 20, maxTotalBytes: 1 << 26,
  });
});
after(() => svc?.close());

const authSuccesses = (events: AnyEvent[]) => events.filter((e) => e.type === 'honeypot.auth' && e.data.success).length;

/** `ssh -v` with the given options; returns its result and the algorithms it reports as negotiated. */
async function connect(options: string[], command: string) {
  const s = svc as TestService;
  const r = await runSsh(s.listener.address.port, ['-v', '-o', 'PubkeyAuthentication=no', ...options, 'root@127.0.0.1', command], ['toor'], s.dir);
  const kex = /kex: algorithm: (\S+)/.exec(r.stderr)?.[1];
  const macs = [...r.stderr.matchAll(/kex: (?:server->client|client->server) cipher: \S+ MAC: (\S+)/g)].map((m) => m[1]);
  return { ...r, kex, macs };
}

describe('OpenSSH client against the honeypot, per extension algorithm', () => {
  for (const name of ['sntrup761x25519-sha512@openssh.com', 'sntrup761x25519-sha512']) {
    it(`key exchange ${name}`, { timeout: 30_000 }, async (t) => {
      if (skip) return t.skip(skip);
      const before = authSuccesses(svc!.events);
      const r = await connect(['-o', `KexAlgorithms=${name}`], 'id');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.kex, name);
      assert.equal(r.stdout, 'ran: id\n');
      assert.equal(authSuccesses(svc!.events), before + 1);
    });
  }

  for (const [mac, cipher] of [['umac-64-etm@openssh.com', 'aes128-ctr'], ['umac-128-etm@openssh.com', 'aes128-ctr'], ['umac-64@openssh.com', 'aes128-ctr'], ['umac-128@openssh.com', 'aes256-ctr']]) {
    it(`MAC ${mac} (with ${cipher})`, { timeout: 30_000 }, async (t) => {
      if (skip) return t.skip(skip);
      const r = await connect(['-o', `MACs=${mac}`, '-o', `Ciphers=${cipher}`], 'uname -a');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.macs, [mac, mac]);
      assert.equal(r.kex, 'sntrup761x25519-sha512', 'the Debian 12 client prefers the hybrid KEX');
      assert.equal(r.stdout, 'ran: uname -a\n');
    });
  }

  it('carries an upload through repeated re-keying with sntrup761x25519 and umac-64-etm', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const s = svc as TestService;
    const data = randomBytes(3 << 20);
    writeFileSync(join(s.dir, 'payload.bin'), data);
    const r = await runSsh(s.listener.address.port, [
      '-v', '-o', 'PubkeyAuthentication=no', '-o', 'KexAlgorithms=sntrup761x25519-sha512@openssh.com', '-o', 'MACs=umac-64-etm@openssh.com',
      '-o', 'Ciphers=aes128-ctr', '-o', 'RekeyLimit=1M', join(s.dir, 'payload.bin'), 'root@127.0.0.1:/tmp/payload.bin',
    ], ['toor'], s.dir, 60_000, 'scp');
    assert.equal(r.code, 0, r.stderr);
    assert.ok((r.stderr.match(/SSH2_MSG_KEXINIT sent/g) ?? []).length >= 3, 'the client re-keyed at least twice');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const upload = s.events.find((e) => e.type === 'honeypot.upload' && e.data.filename === '/tmp/payload.bin');
    assert.ok(upload && upload.type === 'honeypot.upload');
    assert.equal(upload.data.sha256, createHash('sha256').update(data).digest('hex'));
  });
});
