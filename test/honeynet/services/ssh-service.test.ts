/**
 * The SSH honeypot against the real OpenSSH client (`ssh`, passwords fed through SSH_ASKPASS): the persona's
 * identification string, password attempts captured with the accept policy deciding, public keys recorded by
 * their SHA256 fingerprint (as `ssh-keygen -l` prints it), exec through the shell, and a stdio-forwarding request
 * refused and recorded without any connection being opened.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnyEvent } from '../../../src/core/events.js';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import type { ShellFactory } from '../../../src/honeynet/runtime/shell-like.js';
import { sshService } from '../../../src/honeynet/services/ssh/ssh-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { runSsh } from '../../fixtures/openssh-client.js';
import type { RunningListener } from '../../../src/honeynet/runtime/tcp-listener.js';
import { startTestService, type TestService } from './service-harness.js';

const persona = { ...TEST_PERSONA, hostKeys: generateHostKeys(TEST_PERSONA.hostname) };
const shell: ShellFactory = ({ username }) => ({
  prompt: () => `${username}@fs01:~$ `,
  banner: () => 'Linux fs01\n',
  execute: async (line) => ({ output: line === 'uname -a' ? `Linux fs01 ${persona.kernel.release} x86_64 GNU/Linux\n` : `ran: ${line}\n`, exit: line === 'exit' }),
});

let svc: TestService;
let listener: RunningListener;
let events: AnyEvent[];
let dir: string;

before(async () => {
  svc = await startTestService(sshService({ shell }), {
    persona, settings: { auth: { mode: 'credentials', credentials: [{ username: 'root', password: 'toor' }] }, failDelayMs: 0, maxAttempts: 6 },
    limits: { maxConnections: 50, maxPerIp: 50, connectsPerMinutePerIp: 1000 }, session: { idleTimeoutMs: 10_000, maxSessionMs: 60_000, maxBytesIn: 16 << 20, maxBytesOut: 1 << 20 },
    maxFileBytes: 1 << 20, maxTotalBytes: 1 << 26,
  });
  ({ listener, events, dir } = svc);
});
after(() => svc.close());

const ssh = (args: string[], passwords: string[]) => runSsh(listener.address.port, args, passwords, dir);

describe('ssh honeypot (real OpenSSH client)', () => {
  it('identifies as the persona\'s OpenSSH release', async () => {
    const banner = await new Promise<string>((resolve) => {
      const s = connect(listener.address.port, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString('latin1'));
        s.destroy();
      });
    });
    assert.equal(banner.split('\r\n')[0], persona.ssh.versionString);
  });

  it('records wrong passwords, lets the right one in, and runs an exec command in the emulated shell', async () => {
    const r = await ssh(['-o', 'PubkeyAuthentication=no', 'root@127.0.0.1', 'uname -a'], ['123456', 'toor']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Linux fs01 ${persona.kernel.release} x86_64 GNU/Linux\n`);
    const auths = events.filter((e) => e.type === 'honeypot.auth' && e.data.method === 'password').map((e) => e.type === 'honeypot.auth' && [e.data.username, e.data.password, e.data.success]);
    assert.deepEqual(auths, [['root', '123456', false], ['root', 'toor', true]]);
  });

  it('records an offered public key by the fingerprint ssh-keygen prints, and never accepts it', async () => {
    const key = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const expected = execFileSync('ssh-keygen', ['-l', '-f', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1];
    const r = await ssh(['-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'PasswordAuthentication=no', 'deploy@127.0.0.1', 'id'], []);
    assert.notEqual(r.code, 0);
    const pk = events.find((e) => e.type === 'honeypot.auth' && e.data.method === 'publickey');
    assert.ok(pk && pk.type === 'honeypot.auth');
    assert.equal(pk.data.fingerprint, expected);
    assert.equal(pk.data.key_type, 'ssh-ed25519');
    assert.equal(pk.data.username, 'deploy');
  });

  it('takes scp uploads (SFTP mode and the legacy protocol) into quarantine by sha256, read-only; caps a big one', async () => {
    const small = randomBytes(100_000);
    const big = randomBytes(3 << 20);
    writeFileSync(join(dir, 'dropper.bin'), small);
    writeFileSync(join(dir, 'big.bin'), big);
    const sftpMode = await runSsh(listener.address.port, ['-o', 'PubkeyAuthentication=no', join(dir, 'dropper.bin'), 'root@127.0.0.1:/tmp/.x/dropper.bin'], ['toor'], dir, 20_000, 'scp');
    assert.equal(sftpMode.code, 0, sftpMode.stderr);
    const legacy = await runSsh(listener.address.port, ['-O', '-o', 'PubkeyAuthentication=no', join(dir, 'big.bin'), 'root@127.0.0.1:/tmp/'], ['toor'], dir, 30_000, 'scp');
    assert.equal(legacy.code, 0, legacy.stderr);
    await new Promise((r) => setTimeout(r, 100));
    const ups = events.filter((e) => e.type === 'honeypot.upload').map((e) => (e.type === 'honeypot.upload' ? e.data : null)!);
    const viaSftp = ups.find((u) => u.via === 'sftp')!;
    assert.equal(viaSftp.sha256, createHash('sha256').update(small).digest('hex'));
    assert.deepEqual([viaSftp.size, viaSftp.truncated, viaSftp.filename], [100_000, false, '/tmp/.x/dropper.bin']);
    assert.equal(statSync(viaSftp.quarantine!).mode & 0o777, 0o400);
    const viaScp = ups.find((u) => u.via === 'scp')!;
    assert.deepEqual([viaScp.filename, viaScp.size, viaScp.truncated], ['big.bin', 1 << 20, true]);
    assert.equal(viaScp.sha256, createHash('sha256').update(big.subarray(0, 1 << 20)).digest('hex'));
  });

  it('refuses a forwarding request and records it', async () => {
    const r = await ssh(['-o', 'PubkeyAuthentication=no', '-W', '198.51.100.20:443', 'root@127.0.0.1'], ['toor']);
    assert.notEqual(r.code, 0);
    const fwd = events.find((e) => e.type === 'honeypot.forward_request');
    assert.ok(fwd && fwd.type === 'honeypot.forward_request');
    assert.deepEqual([fwd.data.kind, fwd.data.dst_host, fwd.data.dst_port_requested], ['direct-tcpip', '198.51.100.20', 443]);
  });
});
