/**
 * The persona's TLS certificates: shaped like Debian's ssl-cert snakeoil and Windows' RDP certificate, valid
 * self-signatures (checked with node's own X.509 parser), different keys and serials on every install, and added
 * once to persona files written before certificates existed, leaving every other field as it was.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generatePersona } from '../../../src/honeynet/persona/generate-persona.js';
import { loadOrCreatePersona, personaFile } from '../../../src/honeynet/persona/persona-store.js';
import { selfSignedCertificate } from '../../../src/honeynet/persona/self-signed-certificate.js';
import { windowsComputerName } from '../../../src/honeynet/persona/windows-name.js';

const root = mkdtempSync(join(tmpdir(), 'lnmt-persona-tls-'));
after(() => rmSync(root, { recursive: true, force: true }));

const a = generatePersona({ random: 21, hostname: 'web01', domain: 'corp.lan', hostKeys: { rsaBits: 1024 } });
const b = generatePersona({ random: 22, hostname: 'web01', domain: 'corp.lan', hostKeys: { rsaBits: 1024 } });

describe('persona TLS certificates', () => {
  it('snakeoil: CN and SAN are the FQDN, 10 years, CA:FALSE, self-signed with its own key', () => {
    const x = new X509Certificate(a.tls!.snakeoil.cert);
    assert.equal(x.subject, 'CN=web01.corp.lan');
    assert.equal(x.issuer, x.subject);
    assert.equal(x.subjectAltName, 'DNS:web01.corp.lan');
    assert.equal(x.ca, false);
    const years = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / (365.25 * 86_400_000);
    assert.ok(Math.abs(years - 10) < 0.01, String(years));
    assert.ok(Date.parse(x.validFrom) < a.bootTime, 'made when the OS was installed, before its last boot');
    assert.ok(x.verify(x.publicKey));
    assert.ok(x.checkPrivateKey(createPrivateKey(a.tls!.snakeoil.key)));
    assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(x.serialNumber.length, 40);
  });

  it('rdp: CN is the Windows computer name, about six months, valid now', () => {
    const x = new X509Certificate(a.tls!.rdp.cert);
    assert.equal(x.subject, `CN=${windowsComputerName(a)}`);
    assert.match(windowsComputerName(a), /^WIN-[A-Z0-9]{11}$/);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000;
    assert.ok(days > 180 && days < 184, String(days));
    assert.ok(Date.parse(x.validFrom) < Date.now() && Date.parse(x.validTo) > Date.now());
    assert.match(x.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/);
    assert.ok(x.verify(x.publicKey));
  });

  it('two installs with the same names share no key, serial, date or computer name', () => {
    for (const k of ['snakeoil', 'rdp'] as const) {
      const [x, y] = [new X509Certificate(a.tls![k].cert), new X509Certificate(b.tls![k].cert)];
      assert.notEqual(x.serialNumber, y.serialNumber);
      assert.notEqual(x.fingerprint256, y.fingerprint256);
      assert.notEqual(x.validFrom, y.validFrom);
      assert.notDeepEqual(createPublicKey(a.tls![k].key).export({ format: 'der', type: 'spki' }), createPublicKey(b.tls![k].key).export({ format: 'der', type: 'spki' }));
    }
    assert.notEqual(windowsComputerName(a), windowsComputerName(b));
  });

  it('encodes dates from 2050 as GeneralizedTime and keeps a given key', () => {
    const c = selfSignedCertificate({ commonName: 'SSL_Self_Signed_Fallback', notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2056-01-01T00:00:00Z'), serialBytes: 16, extensions: [], key: a.tls!.snakeoil.key });
    const x = new X509Certificate(c.cert);
    assert.equal(new Date(x.validTo).toISOString(), '2056-01-01T00:00:00.000Z');
    assert.ok(x.checkPrivateKey(createPrivateKey(a.tls!.snakeoil.key)));
  });

  it('a persona file without certificates gets them once, in place; nothing else changes', async () => {
    const dir = mkdtempSync(join(root, 'old-'));
    mkdirSync(join(dir, 'honeynet'));
    const { tls: _drop, ...old } = a;
    writeFileSync(personaFile(dir), JSON.stringify(old, null, 2));
    const loaded = await loadOrCreatePersona(dir);
    assert.ok(loaded.tls);
    const { tls: _t, ...rest } = loaded;
    assert.deepEqual(rest, old);
    const onDisk = JSON.parse(readFileSync(personaFile(dir), 'utf8'));
    assert.deepEqual(onDisk.tls, loaded.tls);
    assert.equal(statSync(personaFile(dir)).mode & 0o777, 0o600);
    const again = await loadOrCreatePersona(dir);
    assert.deepEqual(again.tls, loaded.tls);
  });
});
