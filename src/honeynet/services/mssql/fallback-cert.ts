/**
 * SQL Server's self-signed fallback certificate: when no certificate is configured, sqlservr makes a new RSA key and a
 * certificate with CN=SSL_Self_Signed_Fallback at every start, valid from that moment for 30 years (the CN is the
 * product's own constant; key, serial and dates are new every start).
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { PemCertificate } from '../../persona/persona.js';
import { selfSignedCertificate } from '../../persona/self-signed-certificate.js';

export const FALLBACK_CN = 'SSL_Self_Signed_Fallback';

export type FallbackCertificate = PemCertificate;

/** A fresh key and fallback certificate, as sqlservr makes them at start-up (the key made off the event loop). */
export async function makeFallbackCertificate(now: Date = new Date()): Promise<FallbackCertificate> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 30);
  return selfSignedCertificate({ commonName: FALLBACK_CN, notBefore, notAfter, serialBytes: 16, extensions: [], key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
}
