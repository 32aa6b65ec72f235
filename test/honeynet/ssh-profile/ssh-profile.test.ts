/**
 * The per-persona SSH profile: every claimable release has one, the gaps (what ssh2 1.17 cannot run) are exactly
 * the known ones, our ssh2 capability table matches what ssh2 accepts, and a live ssh2 server configured from
 * the profile advertises the runnable subset plus ssh2's own quirks, as nmap sees it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { generatePersona } from '../../../src/honeynet/persona/generate-persona.js';
import { OS_RELEASES } from '../../../src/honeynet/persona/os-releases.js';
import { OPENSSH_RELEASES } from '../../../src/honeynet/ssh-profile/openssh-kexinit.js';
import { SSH2_SUPPORTED } from '../../../src/honeynet/ssh-profile/ssh2-capabilities.js';
import { sshProfileFor } from '../../../src/honeynet/ssh-profile/ssh-profile.js';
import { nmapSsh, skipUnless, which } from './nmap-enum-algos.js';

const UMAC = ['umac-64-etm@openssh.com', 'umac-128-etm@openssh.com', 'umac-64@openssh.com', 'umac-128@openssh.com'];
/** One identification string per OPENSSH_RELEASES row. */
const SAMPLE_IDS = ['OpenSSH_9.2p1 Debian-2+deb12u10', 'OpenSSH_9.2p1 Debian-2+deb12u3', 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.16', 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.13', 'OpenSSH_8.4p1 Debian-5+deb11u3'];
const gapNames = (id: string) => sshProfileFor(id).gaps.map((g) => g.algorithm).sort();

const persona = generatePersona({ random: 11, family: 'debian', hostKeys: { rsaBits: 2048 } });
const hostKeysInOrder = (order: ReturnType<typeof sshProfileFor>['hostKeyOrder']) => order.map((slot) => persona.hostKeys[slot]);

describe('sshProfileFor', () => {
  it('has a profile for the SSH version of every OS release a persona can claim', () => {
    for (const r of OS_RELEASES) assert.doesNotThrow(() => sshProfileFor(`SSH-2.0-${r.sshSoftware}`), r.sshSoftware);
  });

  it('refuses an identification string it has no facts for', () => {
    assert.throws(() => sshProfileFor('SSH-2.0-OpenSSH_10.0p2 Debian-7'), /no SSH algorithm profile/);
  });

  it('Debian 12 needs sntrup761 (both names) and UMAC; nothing else is missing', () => {
    assert.deepEqual(gapNames('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10'), ['sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com', ...UMAC].sort());
  });

  it('Ubuntu 24.04 also needs ext-info-s; Ubuntu 22.04 needs sntrup761 and UMAC', () => {
    assert.deepEqual(gapNames('OpenSSH_9.6p1 Ubuntu-3ubuntu13.16'), ['ext-info-s', 'sntrup761x25519-sha512@openssh.com', ...UMAC].sort());
    assert.deepEqual(gapNames('OpenSSH_8.9p1 Ubuntu-3ubuntu0.13'), ['sntrup761x25519-sha512@openssh.com', ...UMAC].sort());
  });

  it('Debian 11 (OpenSSH 8.4, no post-quantum KEX) needs only UMAC: the closest to an honest claim', () => {
    assert.deepEqual(gapNames('SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3'), [...UMAC].sort());
    assert.deepEqual(sshProfileFor('SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3').ssh2Quirks, []);
  });

  it('the samples cover every release row', () => {
    assert.deepEqual(new Set(SAMPLE_IDS.map((id) => sshProfileFor(id).releaseId)), new Set(OPENSSH_RELEASES.map((r) => r.id)));
  });

  it('every release offers UMAC by default, so no claim is fully runnable on ssh2 1.17 as is', () => {
    for (const r of OPENSSH_RELEASES) for (const m of UMAC) assert.ok(r.lists.mac.includes(m), `${r.id} ${m}`);
  });

  it('keeps the real order and drops only gaps and the strict-KEX marker ssh2 appends itself', () => {
    const p = sshProfileFor('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10');
    const dropped = new Set([...p.gaps.map((g) => g.algorithm), 'kex-strict-s-v00@openssh.com']);
    assert.deepEqual(p.ssh2.kex, p.advertised.kex.filter((k) => !dropped.has(k)));
    assert.deepEqual(p.ssh2.hmac, p.advertised.mac.filter((k) => !dropped.has(k)));
    assert.deepEqual(p.ssh2.serverHostKey, p.advertised.serverHostKey);
    assert.deepEqual(p.hostKeyOrder, ['rsa', 'ecdsa', 'ed25519']);
  });
});

describe('ssh2 1.17 capabilities', () => {
  const server = (algorithms: Record<string, string[]>) => new ssh2.Server({ hostKeys: hostKeysInOrder(['rsa', 'ecdsa', 'ed25519']), algorithms });

  it('accepts every algorithm our table says it supports', () => {
    assert.doesNotThrow(() => server({
      kex: [...SSH2_SUPPORTED.kex], serverHostKey: [...SSH2_SUPPORTED.serverHostKey], cipher: [...SSH2_SUPPORTED.cipher],
      hmac: [...SSH2_SUPPORTED.mac], compress: [...SSH2_SUPPORTED.compression],
    }));
  });

  it('rejects every gap the profiles name', () => {
    const gaps = new Map<string, string>();
    for (const id of SAMPLE_IDS) for (const g of sshProfileFor(id).gaps) gaps.set(g.algorithm, g.list);
    assert.ok(gaps.size >= 6);
    const option: Record<string, string> = { kex: 'kex', mac: 'hmac', serverHostKey: 'serverHostKey', cipher: 'cipher', compression: 'compress' };
    for (const [algorithm, list] of gaps) assert.throws(() => server({ [option[list] as string]: [algorithm] }), /Unsupported algorithm/, algorithm);
  });
});

describe('live: an ssh2 server configured from the Debian 12 profile', () => {
  let srv: InstanceType<typeof ssh2.Server> | undefined;
  after(() => srv?.close());

  it('advertises the runnable subset, plus ssh-rsa and the strict-KEX marker ssh2 adds', { timeout: 60_000 }, async (t) => {
    const skip = skipUnless({ nmap: which('nmap') });
    if (skip) return t.skip(skip);
    const p = sshProfileFor(persona);
    srv = new ssh2.Server({ hostKeys: hostKeysInOrder(p.hostKeyOrder), ident: p.identification.replace(/^SSH-2\.0-/, ''), algorithms: p.ssh2 }, (client) => client.on('error', () => undefined));
    const port = await new Promise<number>((resolve) => srv?.listen(0, '127.0.0.1', function (this: { address(): { port: number } }) { resolve(this.address().port); }));
    const live = await nmapSsh(port);
    assert.match(live.version, /^OpenSSH 9\.2p1 Debian 2\+deb12u\d+/);
    assert.deepEqual(live.lists.kex, [...p.ssh2.kex, 'kex-strict-s-v00@openssh.com']);
    assert.deepEqual(live.lists.serverHostKey, ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed25519']);
    assert.ok(p.ssh2Quirks.some((q) => q.includes('ssh-rsa')));
    assert.deepEqual(live.lists.cipher, p.ssh2.cipher);
    assert.deepEqual(live.lists.mac, p.ssh2.hmac);
    assert.deepEqual(live.lists.compression, p.ssh2.compress);
  });
});
