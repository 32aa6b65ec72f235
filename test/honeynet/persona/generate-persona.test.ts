/**
 * Generated personas: different on every install (property over many seeds), internally consistent (SSH
 * version, kernel and OS from one real release; addresses, users and uptime plausible), schema-valid, and
 * honouring overrides.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Value from 'typebox/value';
import { generatePersona } from '../../../src/honeynet/persona/generate-persona.js';
import { OS_RELEASES } from '../../../src/honeynet/persona/os-releases.js';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { PersonaSchema } from '../../../src/honeynet/persona/persona-schema.js';
import { sshProfileFor } from '../../../src/honeynet/ssh-profile/ssh-profile.js';

const NOW = Date.parse('2026-11-24T00:00:00Z');
const SEEDS = Array.from({ length: 300 }, (_, i) => i * 7919 + 1);
// Keys are not seeded (they always come from the CSPRNG); the property runs reuse one real set for speed.
const first = generatePersona({ random: 1, hostKeys: { rsaBits: 1024 } });
const keys = first.hostKeys;
const tls = () => first.tls!;
const personas = SEEDS.map((seed) => generatePersona({ random: seed, now: NOW, hostKeys: () => keys, tls }));

function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [[path, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

/**
 * Fields that are facts of the real product (the OS release row) or conventions every such machine shares (uids from
 * 1000, bash, the installer's groups); host keys and certificates are injected above to keep 300 personas fast
 * (the first test checks that two real installs differ in them).
 */
const PRODUCT_CONSTANT = /^(version|os\..*|kernel\..*|ssh\..*|hostKeys\..*|tls\..*|users\.\d+\.(uid|gid|shell|groups\.\d+))$/;

describe('generatePersona: no two installs alike', () => {
  it('two default installs differ in hostname or domain, id, machine id, every key and the user list', () => {
    const [a, b] = [generatePersona(), generatePersona()] as [Persona, Persona];
    assert.notEqual(`${a.hostname}.${a.domain}|${a.network.ip}`, `${b.hostname}.${b.domain}|${b.network.ip}`);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.machineId, b.machineId);
    assert.notEqual(a.network.mac, b.network.mac);
    for (const k of ['ed25519', 'ecdsa', 'rsa'] as const) assert.notEqual(a.hostKeys[k], b.hostKeys[k]);
    for (const k of ['snakeoil', 'rdp'] as const) assert.notEqual(a.tls?.[k].cert, b.tls?.[k].cert);
    assert.ok(a.bootTime !== b.bootTime);
  });

  it('over 300 seeds, every field outside the product constants takes more than one value', () => {
    const values = new Map<string, Set<string>>();
    for (const p of personas) for (const [path, v] of leaves({ ...p, createdAt: undefined })) {
      if (v === undefined || PRODUCT_CONSTANT.test(path)) continue;
      values.set(path, (values.get(path) ?? new Set()).add(JSON.stringify(v)));
    }
    const constant = [...values].filter(([, set]) => set.size < 2).map(([path]) => path);
    assert.deepEqual(constant, []);
  });

  it('identifiers never repeat and names rarely do', () => {
    const distinct = (f: (p: Persona) => string) => new Set(personas.map(f)).size;
    assert.equal(distinct((p) => p.id), personas.length);
    assert.equal(distinct((p) => p.machineId), personas.length);
    assert.ok(distinct((p) => p.network.mac) >= personas.length - 1);
    assert.ok(distinct((p) => p.hostname) >= personas.length * 0.9, `hostnames: ${distinct((p) => p.hostname)}`);
    assert.ok(distinct((p) => p.users.map((u) => u.name).join(',')) >= personas.length * 0.9);
  });

  it('uses both families, several releases and all three virtualisation vendors', () => {
    assert.deepEqual(new Set(personas.map((p) => p.os.id)), new Set(['debian', 'ubuntu']));
    assert.ok(new Set(personas.map((p) => p.kernel.release)).size >= 4);
    assert.deepEqual(new Set(personas.map((p) => p.network.mac.slice(0, 8))), new Set(['52:54:00', 'bc:24:11', '00:50:56']));
  });

  it('is reproducible from a seed', () => {
    const again = generatePersona({ random: SEEDS[5], now: NOW, hostKeys: () => keys, tls });
    assert.deepEqual(again, personas[5]);
  });
});

describe('generatePersona: consistent with itself and with real releases', () => {
  it('is valid against the persisted-file schema', () => {
    for (const p of personas) assert.ok(Value.Check(PersonaSchema, p), JSON.stringify([...Value.Errors(PersonaSchema, p)][0]));
  });

  it('takes OS, kernel and SSH version from one release row, with an SSH profile for it', () => {
    for (const p of personas) {
      const row = OS_RELEASES.find((r) => r.kernel.release === p.kernel.release && r.kernel.version === p.kernel.version);
      assert.ok(row, p.kernel.release);
      assert.deepEqual(p.os, row.os);
      assert.equal(p.ssh.versionString, `SSH-2.0-${row.sshSoftware}`);
      assert.doesNotThrow(() => sshProfileFor(p));
      if (p.os.id === 'debian') {
        assert.match(p.ssh.versionString, /^SSH-2\.0-OpenSSH_9\.2p1 Debian-2\+deb12u\d+$/);
        assert.match(p.kernel.release, /^6\.1\.0-\d+-amd64$/);
        assert.match(p.kernel.version, /^#1 SMP PREEMPT_DYNAMIC Debian 6\.1\.\d+-\d+ \(\d{4}-\d{2}-\d{2}\)$/);
        assert.match(p.os.debianVersion, /^12\.\d+$/);
      } else if (p.os.versionId === '24.04') {
        assert.match(p.ssh.versionString, /^SSH-2\.0-OpenSSH_9\.6p1 Ubuntu-3ubuntu13\.\d+$/);
        assert.match(p.kernel.release, /^6\.8\.0-\d+-generic$/);
      } else {
        assert.equal(p.os.versionId, '22.04');
        assert.match(p.ssh.versionString, /^SSH-2\.0-OpenSSH_8\.9p1 Ubuntu-3ubuntu0\.\d+$/);
        assert.match(p.kernel.release, /^5\.15\.0-\d+-generic$/);
      }
      // uname -v is a 64-byte field in the kernel: longer strings would be truncated on a real machine.
      assert.ok(p.kernel.version.length <= 64, p.kernel.version);
    }
  });

  it('booted days to months ago, after its kernel was built and its point release published', () => {
    for (const p of personas) {
      const row = OS_RELEASES.find((r) => r.kernel.release === p.kernel.release);
      assert.ok(p.bootTime <= NOW - 2 * 86_400_000 + 1000 && p.bootTime >= NOW - 201 * 86_400_000, new Date(p.bootTime).toISOString());
      assert.ok(row && p.bootTime >= row.availableFrom, `${p.kernel.release} booted ${new Date(p.bootTime).toISOString()}`);
    }
  });

  it('has an admin with sudo at uid 1000 and consecutive private uids/gids', () => {
    for (const p of personas) {
      assert.ok(p.users.length >= 1 && p.users.length <= 4);
      assert.ok(p.users[0]?.groups.includes('sudo'));
      p.users.forEach((u, i) => {
        assert.equal(u.uid, 1000 + i);
        assert.equal(u.gid, u.uid);
        assert.equal(u.home, `/home/${u.name}`);
      });
      assert.equal(new Set(p.users.map((u) => u.name)).size, p.users.length);
      for (const reserved of ['root', 'backup', 'www-data', 'nobody', 'daemon']) assert.ok(!p.users.some((u) => u.name === reserved));
    }
  });

  it('sits in a private subnet with the gateway at .1 of that subnet', () => {
    const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    for (const { network: n } of personas) {
      assert.match(n.ip, /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/);
      const mask = 2 ** 32 - 2 ** (32 - n.prefix);
      const net = toInt(n.ip) - (toInt(n.ip) % 2 ** (32 - n.prefix));
      assert.equal(toInt(n.gateway), net + 1, `${n.ip}/${n.prefix} via ${n.gateway}`);
      assert.notEqual(n.ip, n.gateway);
      assert.ok(mask > 0);
    }
  });

  it('has VM-like hardware', () => {
    for (const { hardware: h } of personas) {
      assert.ok(h.cores >= 2 && h.cores <= 16);
      assert.ok(h.memoryKb > 1_900_000 && h.memoryKb < 33_554_432);
      assert.ok(h.diskGb >= 20);
    }
  });
});

describe('generatePersona: overrides', () => {
  it('keeps a configured hostname and domain, and uses the hostname in key comments', () => {
    const p = generatePersona({ random: 3, hostname: 'files-07', domain: '', hostKeys: { rsaBits: 1024 } });
    assert.equal(p.hostname, 'files-07');
    assert.equal(p.domain, '');
    assert.match(Buffer.from(p.hostKeys.ed25519.split('\n').slice(1, -2).join(''), 'base64').toString('latin1'), /root@files-07/);
  });

  it('keeps a configured family and Ubuntu version', () => {
    for (const seed of SEEDS.slice(0, 40)) {
      assert.equal(generatePersona({ random: seed, now: NOW, family: 'ubuntu', versionId: '22.04', hostKeys: () => keys }).os.codename, 'jammy');
      assert.equal(generatePersona({ random: seed, now: NOW, family: 'debian', hostKeys: () => keys }).os.id, 'debian');
    }
  });
});
