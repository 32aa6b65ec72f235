/**
 * Brute force with the real `hydra` against the SSH and Telnet honeypots (loopback): every attempt is recorded as
 * a `honeypot.auth` with the exact username and password, including awkward characters, and hydra reports the
 * credentials the accept policy lets in as found — it sees a real login, not a wall. Needs hydra (.ci/run
 * installs it); under CI=true a missing hydra fails the test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnyEvent } from '../../../src/core/events.js';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { emulatedShell } from '../../../src/honeynet/shell-adapter.js';
import { sshService } from '../../../src/honeynet/services/ssh/ssh-service.js';
import { telnetService } from '../../../src/honeynet/services/telnet/telnet-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { startTestService, type TestService } from './service-harness.js';
import { which } from '../ssh-profile/nmap-enum-algos.js';

const persona = { ...TEST_PERSONA, hostKeys: generateHostKeys(TEST_PERSONA.hostname) };
const USERS = ['root', 'admin', 'ubnt', "o'brien"];
const PASSWORDS = ['123456', 'pa ss word', 'x"y$z;`id`', 'Ünïcødé', 'hunter2'];
/** The one pair the accept policy lets in. */
const GOOD = { username: 'admin', password: 'hunter2' };
const limits = { maxConnections: 100, maxPerIp: 100, connectsPerMinutePerIp: 100_000 };
const session = { idleTimeoutMs: 30_000, maxSessionMs: 60_000, maxBytesIn: 1 << 20, maxBytesOut: 1 << 20 };
const hydraMissing = !which('hydra');
if (hydraMissing && process.env.CI === 'true') throw new Error('hydra is required in CI (apt-get install hydra): .ci/run installs it');

let ssh: TestService;
let telnet: TestService;
let dir: string;
before(async () => {
  const settings = { failDelayMs: 0, maxAttempts: 3, auth: { mode: 'credentials', credentials: [GOOD] } };
  const shell = emulatedShell();
  ssh = await startTestService(sshService({ shell }), { persona, settings, limits, session, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24 });
  // One attempt per connection for Telnet (login's LOGIN_RETRIES=1): hydra's telnet module answers a failure
  // with an empty login line and then takes the re-prompt for the next failure, so on a reused connection it
  // skips pairs it believes it tried. On a fresh connection per attempt it stays in step.
  telnet = await startTestService(telnetService({ shell }), { persona, settings: { ...settings, maxAttempts: 1 }, limits, session, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24 });
  dir = ssh.dir;
  writeFileSync(join(dir, 'users.txt'), `${USERS.join('\n')}\n`);
  writeFileSync(join(dir, 'passwords.txt'), `${PASSWORDS.join('\n')}\n`);
});
after(async () => {
  await ssh?.close();
  await telnet?.close();
});

function hydra(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('hydra', ['-I', '-L', join(dir, 'users.txt'), '-P', join(dir, 'passwords.txt'), '-o', join(dir, `found-${Date.now()}.txt`), ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Every (username, password) pair hydra tried on this service, as the honeypot recorded them. */
function attempts(events: AnyEvent[], service: string): string[] {
  const pairs = events.flatMap((e) => (e.type === 'honeypot.auth' && e.data.service === service && e.data.method !== 'none' ? [`${e.data.username}\u0000${e.data.password ?? ''}`] : []));
  return [...new Set(pairs)].sort();
}

const expected = USERS.flatMap((u) => PASSWORDS.map((p) => `${u}\u0000${p}`)).sort();

describe('hydra against the honeypots', { skip: hydraMissing ? 'hydra not installed' : false }, () => {
  it('hydra -t 4 ssh: every attempt recorded exactly; the accepted pair is reported as found', async () => {
    const r = await hydra(['-t', '4', '-s', String(ssh.listener.address.port), '127.0.0.1', 'ssh']);
    assert.match(r.out, /login:\s+admin\s+password:\s+hunter2/, r.out);
    await new Promise((res) => setTimeout(res, 300));
    // hydra stops trying a user once it found that user's password, so the pairs after it for admin may be missing.
    const seen = attempts(ssh.events, 'ssh');
    const skippable = new Set(PASSWORDS.slice(PASSWORDS.indexOf(GOOD.password) + 1).map((p) => `admin\u0000${p}`));
    assert.deepEqual(seen.filter((p) => !expected.includes(p)), [], 'nothing but what hydra sent');
    assert.deepEqual(expected.filter((p) => !seen.includes(p) && !skippable.has(p)), [], 'every pair hydra sent');
    const ok = ssh.events.filter((e) => e.type === 'honeypot.auth' && e.data.success);
    assert.ok(ok.length >= 1 && ok.every((e) => e.type === 'honeypot.auth' && e.data.username === 'admin' && e.data.password === 'hunter2'));
  });

  it('hydra -t 4 telnet: what it sends is recorded byte for byte; the accepted pair is reported as found', async () => {
    const r = await hydra(['-t', '4', '-s', String(telnet.listener.address.port), '127.0.0.1', 'telnet']);
    assert.match(r.out, /login:\s+admin\s+password:\s+hunter2/, r.out);
    await new Promise((res) => setTimeout(res, 300));
    const seen = attempts(telnet.events, 'telnet');
    // Only what hydra had in its lists, byte for byte (quotes, $, backticks, spaces, UTF-8).
    const words = new Set([...USERS, ...PASSWORDS]);
    assert.deepEqual(seen.filter((p) => !p.split('\u0000').every((w) => words.has(w))), [], 'nothing garbled');
    for (const pw of ['x"y$z;`id`', 'Ünïcødé', 'pa ss word']) assert.ok(seen.some((p) => p.endsWith(`\u0000${pw}`)), `${pw} recorded exactly`);
    // hydra's telnet module sends an empty login when its next pair is not ready yet and then counts that pair
    // as failed without sending its password (it warns that telnet "is by its nature unreliable"), so a few
    // pairs never reach the server; most do.
    assert.ok(seen.filter((p) => expected.includes(p)).length >= expected.length * 0.75, `recorded ${seen.length} of ${expected.length}: ${seen.join(', ')}`);
  });
});
