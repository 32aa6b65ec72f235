/**
 * Self-signed X.509 v3 certificates made in-process (no `openssl` child: the sensor never spawns programs), in
 * the shapes real products generate for themselves: Debian's ssl-cert "snakeoil" (what nginx, Apache and xrdp
 * serve out of the box), the certificate Windows makes for Remote Desktop, and SQL Server's
 * `SSL_Self_Signed_Fallback`. Keys, serials and dates differ per install; names come from the persona.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

import type { PemCertificate } from './persona.js';

export type { PemCertificate };

export interface CertificateSpec {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** Serial length in bytes (ssl-cert: 20, Windows: 16, SQL Server: 16). */
  serialBytes: number;
  /** Extensions in the order the real product writes them. */
  extensions: Extension[];
  /** An existing key (PKCS#8 PEM); otherwise a new RSA 2048 key is made. */
  key?: string;
}

export type Extension =
  | { kind: 'basicConstraints'; ca: boolean }
  | { kind: 'subjectAltName'; dns: string[] }
  | { kind: 'subjectKeyIdentifier' }
  | { kind: 'keyUsage'; keyEncipherment: boolean; dataEncipherment: boolean; digitalSignature?: boolean }
  | { kind: 'extendedKeyUsage'; serverAuth: boolean };

/** Debian's `make-ssl-cert generate-default-snakeoil`: CN and SAN = `hostname -f`, 10 years, CA:FALSE, SKI. */
export function snakeoilCertificate(fqdn: string, generatedAt: Date): PemCertificate {
  return selfSignedCertificate({
    commonName: fqdn,
    notBefore: generatedAt,
    notAfter: new Date(generatedAt.getTime() + 3650 * 86_400_000),
    serialBytes: 20,
    extensions: [{ kind: 'basicConstraints', ca: false }, { kind: 'subjectAltName', dns: [fqdn] }, { kind: 'subjectKeyIdentifier' }],
  });
}

/** The certificate Windows generates for Remote Desktop: CN = computer name, six months, server auth only. */
export function windowsRdpCertificate(computerName: string, generatedAt: Date): PemCertificate {
  return selfSignedCertificate({
    commonName: computerName,
    notBefore: generatedAt,
    notAfter: new Date(generatedAt.getTime() + 182 * 86_400_000),
    serialBytes: 16,
    extensions: [{ kind: 'extendedKeyUsage', serverAuth: true }, { kind: 'keyUsage', keyEncipherment: true, dataEncipherment: true }],
  });
}

export function selfSignedCertificate(spec: CertificateSpec): PemCertificate {
  const privateKey = spec.key ? createPrivateKey(spec.key) : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 }).privateKey;
  const spki = publicKeyDer(privateKey);
  const name = seq(set(seq(oid('2.5.4.3'), utf8(spec.commonName))));
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), der(0x05, Buffer.alloc(0)));
  const serial = randomBytes(spec.serialBytes);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, and no leading zero byte to strip
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name,
    seq(time(spec.notBefore), time(spec.notAfter)),
    name,
    spki,
    ...(spec.extensions.length > 0 ? [der(0xa3, seq(...spec.extensions.map((e) => extension(e, spki))))] : []),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, algorithm, bitString(signature));
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: pem('CERTIFICATE', cert) };
}

function publicKeyDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

function extension(e: Extension, spki: Buffer): Buffer {
  switch (e.kind) {
    case 'basicConstraints':
      return seq(oid('2.5.29.19'), octets(seq(...(e.ca ? [der(0x01, Buffer.from([0xff]))] : []))));
    case 'subjectAltName':
      return seq(oid('2.5.29.17'), octets(seq(...e.dns.map((d) => der(0x82, Buffer.from(d, 'ascii'))))));
    case 'subjectKeyIdentifier':
      return seq(oid('2.5.29.14'), octets(der(0x04, createHash('sha1').update(spkiKeyBits(spki)).digest())));
    case 'keyUsage': {
      // Bit 0 digitalSignature, bit 2 keyEncipherment, bit 3 dataEncipherment (DER: trailing zero bits dropped).
      const bits = (e.digitalSignature ? 0x80 : 0) | (e.keyEncipherment ? 0x20 : 0) | (e.dataEncipherment ? 0x10 : 0);
      const unused = bits === 0 ? 0 : Math.min(7, countTrailingZeros(bits));
      return seq(oid('2.5.29.15'), octets(der(0x03, Buffer.from([unused, bits]))));
    }
    case 'extendedKeyUsage':
      return seq(oid('2.5.29.37'), octets(seq(...(e.serverAuth ? [oid('1.3.6.1.5.5.7.3.1')] : []))));
  }
}

function countTrailingZeros(byte: number): number {
  let n = 0;
  while (n < 8 && (byte & (1 << n)) === 0) n++;
  return n;
}

/** The subjectPublicKey BIT STRING's contents (without the unused-bits byte): what an SKI hashes (RFC 5280 4.2.1.2). */
function spkiKeyBits(spki: Buffer): Buffer {
  const outer = readTlv(spki, 0);
  const alg = readTlv(spki, outer.start);
  const bits = readTlv(spki, alg.end);
  return spki.subarray(bits.start + 1, bits.end);
}

function readTlv(b: Buffer, at: number): { start: number; end: number } {
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
    start += n;
  }
  return { start, end: start + len };
}

function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
const octets = (body: Buffer) => der(0x04, body);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const bitString = (b: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), b]));

function integer(b: Buffer): Buffer {
  return der(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii')) : der(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

function pem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
