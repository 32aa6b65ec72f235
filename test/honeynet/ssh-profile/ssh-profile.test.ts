/**
 * The per-persona SSH profile: every claimable release has one; with lnmt's ssh2 extension (UMAC,
 * sntrup761x25519, exact host-key lists) Debian 12 has no gaps and the rest only what is still unimplemented;
 * without it, the gap mechanism names what is missing and why. Our capability tables match what ssh2 accepts,
 * and a live ssh2 server configured from the Debian 12 profile sends exactly the real KEXINIT lists (read from
 * the wire, and as nmap reports them).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { generatePersona } from '../../../src/honeynet/persona/generate-persona.js';
import { OS_RELEASES } from '../../../src/honeynet/persona/os-releases.js';
import { OPENSSH_RELEASES } from '../../../src/honeynet/ssh-profile/openssh-kexinit.js';
import { ssh2Capabilities, SSH2_SUPPORTED, type Ssh2Capabilities } from '../../../src/honeynet/ssh-profile/ssh2-capabilities.js';
import { sshProfileFor } from '../../../src/honeynet/ssh-profile/ssh-profile.js';
import { probeKexInit } from './kexinit-probe.js';
import { nmapSsh, skipUnless, which } from './nmap-enum-algos.js';

const UMAC = ['umac-64-etm@openssh.com', 'umac-128-etm@openssh.com', 'umac-64@openssh.com', 'umac-128@openssh.com'];
const SNTRUP = ['sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com'];
/** One identification string per OPENSSH_RELEASES row. */
const SAMPLE_IDS = ['OpenSSH_9.2p1 Debian-2+deb12u10', 'OpenSSH_9.2p1 Debian-2+deb12u3', 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.16', 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.13', 'OpenSSH_8.4p1 Debian-5+deb11u3'];
/** ssh2 as published, as if scripts/patch-ssh2.mjs had not run. */
const UNPATCHED: Ssh2Capabilities = { supported: SSH2_SUPPORTED, exactHostKeyList: false, extensionMissing: 'ssh2 lacks the extension hooks' };
const gapNames = (id: string, capabilities?: Ssh2Capabilities) => sshProfileFor(id, capabilities).gaps.map((g) => g.algorithm).sort();

const persona = generatePersona({ random: 11, family: 'debian', hostKeys: { rsaBits: 2048 } });
const hostKeysInOrder = (order: ReturnType<typeof sshProfileFor>['hostKeyOrder']) => order.map((slot) => persona.hostKeys[slot]);

describe('sshProfileFor', () => {
  it('has a profile for the SSH version of every OS release a persona can claim', () => {
    for (const r of OS_RELEASES) assert.doesNotThrow(() => sshProfileFor(`SSH-2.0-${r.sshSoftware}`), r.sshSoftware);
  });

  it('refuses an identification string it has no facts for', () => {
    assert.throws(() => sshProfileFor('SSH-2.0-OpenSSH_10.0p2 Debian-7'), /no SSH algorithm profile/);
  });

  it('runs on ssh2 with lnmt\'s extension installed', () => {
    assert.equal(ssh2Capabilities().extensionMissing, undefined);
    assert.equal(ssh2Capabilities().exactHostKeyList, true);
  });

  it('Debian 12 (every revision), Ubuntu 22.04 and Debian 11 have no gaps and no ssh2 quirk besides the strict-KEX marker', () => {
    for (const id of ['SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', 'OpenSSH_9.2p1 Debian-2+deb12u3', 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.13', 'SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3']) {
      assert.deepEqual(gapNames(id), [], id);
      assert.deepEqual(sshProfileFor(id).ssh2Quirks, [], id);
    }
  });

  it('Ubuntu 24.04 still lacks ext-info-s, with the reason', () => {
    const p = sshProfileFor('OpenSSH_9.6p1 Ubuntu-3ubuntu13.16');
    assert.deepEqual(p.gaps.map((g) => g.algorithm), ['ext-info-s']);
    assert.match(p.gaps[0]!.reason, /RFC 8308/);
  });

  it('without the extension, sntrup761 and UMAC are gaps again, saying why, and ssh-rsa is a quirk', () => {
    assert.deepEqual(gapNames('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', UNPATCHED), [...SNTRUP, ...UMAC].sort());
    assert.deepEqual(gapNames('SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3', UNPATCHED), [...UMAC].sort());
    const p = sshProfileFor('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', UNPATCHED);
    for (const g of p.gaps) assert.match(g.reason, /extension is not installed: ssh2 lacks the extension hooks/);
    assert.ok(p.ssh2Quirks.some((q) => q.includes('ssh-rsa')));
    assert.deepEqual(p.ssh2.hmac, p.advertised.mac.filter((m) => !UMAC.includes(m)));
  });

  it('the samples cover every release row', () => {
    assert.deepEqual(new Set(SAMPLE_IDS.map((id) => sshProfileFor(id).releaseId)), new Set(OPENSSH_RELEASES.map((r) => r.id)));
  });

  it('every release offers UMAC by default, so ssh2 as published runs none of them fully', () => {
    for (const r of OPENSSH_RELEASES) for (const m of UMAC) assert.ok(r.lists.mac.includes(m), `${r.id} ${m}`);
    for (const id of SAMPLE_IDS) assert.ok(gapNames(id, UNPATCHED).length > 0, id);
  });

  it('configures ssh2 with the advertised lists in their order, less only the strict-KEX marker ssh2 appends itself', () => {
    const p = sshProfileFor('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10');
    assert.deepEqual(p.ssh2.kex, p.advertised.kex.filter((k) => k !== 'kex-strict-s-v00@openssh.com'));
    assert.deepEqual(p.ssh2.serverHostKey, p.advertised.serverHostKey);
    assert.deepEqual(p.ssh2.cipher, p.advertised.cipher);
    assert.deepEqual(p.ssh2.hmac, p.advertised.mac);
    assert.deepEqual(p.ssh2.compress, p.advertised.compression);
    assert.deepEqual(p.hostKeyOrder, ['rsa', 'ecdsa', 'ed25519']);
  });
});

describe('ssh2 1.17 capabilities', () => {
  const server = (algorithms: Record<string, string[]>) => new ssh2.Server({ hostKeys: hostKeysInOrder(['rsa', 'ecdsa', 'ed25519']), algorithms });

  it('accepts every algorithm our tables say it supports (with the extension)', () => {
    const { supported } = ssh2Capabilities();
    assert.doesNotThrow(() => server({
      kex: [...supported.kex], serverHostKey: [...supported.serverHostKey], cipher: [...supported.cipher],
      hmac: [...supported.mac], compress: [...supported.compression],
    }));
  });

  it('rejects every gap the profiles still name', () => {
    const gaps = new Map<string, string>();
    for (const id of SAMPLE_IDS) for (const g of sshProfileFor(id).gaps) gaps.set(g.algorithm, g.list);
    assert.deepEqual([...gaps.keys()], ['ext-info-s']);
    const option: Record<string, string> = { kex: 'kex', mac: 'hmac', serverHostKey: 'serverHostKey', cipher: 'cipher', compression: 'compress' };
    for (const [algorithm, list] of gaps) assert.throws(() => server({ [option[list] as string]: [algorithm] }), /Unsupported algorithm/, algorithm);
  });
});

describe('live: an ssh2 server configured from the Debian 12 profile', () => {
  let srv: InstanceType<typeof ssh2.Server> | undefined;
  let port = 0;
  after(() => srv?.close());
  const p = sshProfileFor(persona);
  const listening = () => {
    if (srv) return Promise.resolve(port);
    srv = new ssh2.Server({ hostKeys: hostKeysInOrder(p.hostKeyOrder), ident: p.identification.replace(/^SSH-2\.0-/, ''), algorithms: p.ssh2 }, (client) => client.on('error', () => undefined));
    return new Promise<number>((resolve) => srv?.listen(0, '127.0.0.1', function (this: { address(): { port: number } }) { resolve((port = this.address().port)); }));
  };

  it('sends exactly the advertised KEXINIT lists (no ssh-rsa, nothing dropped)', { timeout: 30_000 }, async () => {
    const probe = await probeKexInit(await listening());
    assert.equal(probe.identification, p.identification);
    assert.deepEqual(probe.lists, p.advertised);
    assert.ok(probe.symmetric);
  });

  it('draws a fresh cookie and fresh padding for every connection (ssh2\'s random comes from a pool)', { timeout: 60_000 }, async () => {
    // ~300 connections use the 4 KiB pool up many times over, so refills are crossed too.
    const probes = [];
    for (let i = 0; i < 300; i++) probes.push(await probeKexInit(await listening()));
    assert.equal(new Set(probes.map((p) => p.cookie)).size, probes.length);
    assert.ok(probes.every((p) => p.padding.length >= 8), 'at least 4 bytes of padding');
    assert.equal(new Set(probes.map((p) => p.padding)).size, probes.length);
    // Not a pool handing out zeros or a repeating block: the cookies' bytes look uniform.
    const bytes = Buffer.from(probes.map((p) => p.cookie).join(''), 'hex');
    const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length;
    assert.ok(Math.abs(mean - 127.5) < 8, `mean byte ${mean}`);
  });

  it('and nmap reports those lists', { timeout: 60_000 }, async (t) => {
    const skip = skipUnless({ nmap: which('nmap') });
    if (skip) return t.skip(skip);
    const live = await nmapSsh(await listening());
    assert.match(live.version, /^OpenSSH 9\.2p1 Debian 2\+deb12u\d+/);
    assert.deepEqual(live.lists, p.advertised);
  });
});
