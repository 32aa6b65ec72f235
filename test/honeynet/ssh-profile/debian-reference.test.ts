/**
 * Our Debian 12 profile against the real thing: the nmap output recorded from Debian's sshd (fixture), and, where
 * openssh-server and nmap are installed, a live sshd started on a loopback port with a generated persona's host
 * keys (so the persona's keys also prove they work in real OpenSSH). The honeypot itself (the SSH service with a
 * Debian 12 deb12u10 persona) must print the very same ssh2-enum-algos block as both. Skips the live parts when
 * the tools are missing, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generatePersona } from '../../../src/honeynet/persona/generate-persona.js';
import { generateHostKeys } from '../../../src/honeynet/persona/host-keys.js';
import { sshService } from '../../../src/honeynet/services/ssh/ssh-service.js';
import { sshProfileFor } from '../../../src/honeynet/ssh-profile/ssh-profile.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { startTestService, type TestService } from '../services/service-harness.js';
import { nmapSsh, parseNmapSsh, skipUnless, which, type NmapSsh } from './nmap-enum-algos.js';

const FIXTURE = new URL('./fixtures/debian12-deb12u10.nmap.txt', import.meta.url);
const measured = parseNmapSsh(readFileSync(FIXTURE, 'utf8'));
const debian12 = sshProfileFor('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10');

describe('Debian 12 SSH profile vs the measured Debian sshd', () => {
  it('the fixture parses into five non-empty lists', () => {
    assert.equal(measured.version, 'OpenSSH 9.2p1 Debian 2+deb12u10 (protocol 2.0)');
    for (const list of Object.values(measured.lists)) assert.ok(list.length > 0);
    // The script block: its header, five section headers and 34 algorithms, the last line opening with `|_`.
    assert.equal(measured.script.length, 1 + 5 + 34);
    assert.match(measured.script[measured.script.length - 1]!, /^\|_ +zlib@openssh\.com$/);
  });

  it('advertises exactly the measured lists, in order', () => {
    assert.deepEqual(debian12.advertised, measured.lists);
  });

  it('every deb12u4+ revision shares those lists; deb12u2..3 lack the un-suffixed sntrup761 name', () => {
    for (const n of [4, 7, 10, 12]) assert.deepEqual(sshProfileFor(`SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u${n}`).advertised, measured.lists);
    const u3 = sshProfileFor('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3').advertised;
    assert.deepEqual(u3.kex, measured.lists.kex.filter((k) => k !== 'sntrup761x25519-sha512'));
  });
});

async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function waitForBanner(port: number, child: ChildProcess): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sshd did not answer within 10 s');
}

describe('live: the installed Debian sshd and the honeypot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnmt-sshd-'));
  let child: ChildProcess | undefined;
  let honeypot: TestService | undefined;
  after(async () => {
    child?.kill('SIGTERM');
    await honeypot?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let sshdScan: Promise<NmapSsh> | undefined;
  /** Starts Debian's sshd once with a generated persona's host keys and scans it with nmap. */
  const scanSshd = () => (sshdScan ??= (async () => {
    const installed = readFileSync('/usr/share/doc/openssh-server/changelog.Debian.gz').length > 0;
    assert.ok(installed, 'openssh-server changelog present');
    const persona = generatePersona({ random: 7, family: 'debian' });
    const hostKeyArgs: string[] = [];
    for (const slot of debian12.hostKeyOrder) {
      const file = join(dir, `ssh_host_${slot}_key`);
      writeFileSync(file, persona.hostKeys[slot], { mode: 0o600 });
      hostKeyArgs.push('-h', file);
    }
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const port = await freePort();
    child = spawn(which('sshd') as string, ['-D', '-e', '-p', String(port), '-o', 'ListenAddress=127.0.0.1', '-o', `PidFile=${join(dir, 'sshd.pid')}`, '-f', '/dev/null', ...hostKeyArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitForBanner(port, child);
    return nmapSsh(port);
  })());

  let honeypotScan: Promise<NmapSsh> | undefined;
  /** Starts the SSH honeypot with a Debian 12 deb12u10 persona (the default claim) and scans it with nmap. */
  const scanHoneypot = () => (honeypotScan ??= (async () => {
    const persona = { ...TEST_PERSONA, ssh: { versionString: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10' }, hostKeys: generateHostKeys('reference') };
    honeypot = await startTestService(sshService({ shell: () => ({ prompt: () => '$ ', banner: () => '', execute: async () => ({ output: '', exit: true }) }) }), {
      persona, settings: { failDelayMs: 0 }, limits: { maxConnections: 50, maxPerIp: 50, connectsPerMinutePerIp: 1000 },
      session: { idleTimeoutMs: 10_000, maxSessionMs: 60_000, maxBytesIn: 1 << 20, maxBytesOut: 1 << 20 }, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 22,
    });
    return nmapSsh(honeypot.listener.address.port);
  })());

  it('the sshd offers the profile\'s lists with a generated persona\'s host keys', { timeout: 90_000 }, async (t) => {
    const skip = skipUnless({ sshd: which('sshd'), nmap: which('nmap') });
    if (skip) return t.skip(skip);
    const live = await scanSshd();
    const version = /OpenSSH 9\.2p1 Debian 2\+deb12u(\d+)/.exec(live.version);
    assert.ok(version, `nmap names the product: ${live.version}`);
    assert.deepEqual(live.lists, sshProfileFor(`SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u${version[1]}`).advertised);
  });

  it('the honeypot prints exactly the recorded Debian 12 deb12u10 output: version line and ssh2-enum-algos block', { timeout: 90_000 }, async (t) => {
    const skip = skipUnless({ nmap: which('nmap') });
    if (skip) return t.skip(skip);
    const ours = await scanHoneypot();
    assert.equal(ours.version, measured.version);
    assert.deepEqual(ours.script, measured.script);
    assert.deepEqual(ours.lists, measured.lists);
  });

  it('the honeypot and the installed sshd print the same ssh2-enum-algos block', { timeout: 90_000 }, async (t) => {
    const skip = skipUnless({ sshd: which('sshd'), nmap: which('nmap') });
    if (skip) return t.skip(skip);
    const [ours, real] = await Promise.all([scanHoneypot(), scanSshd()]);
    assert.deepEqual(ours.script, real.script);
    assert.equal(ours.version.replace(/deb12u\d+/, 'deb12uN'), real.version.replace(/deb12u\d+/, 'deb12uN'));
  });
});
