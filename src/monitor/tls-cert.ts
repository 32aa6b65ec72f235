import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { CheckOutcome } from './check-type.js';

export type CertSummary = NonNullable<CheckOutcome['cert']>;

const DAY_MS = 86_400_000;

/** `CN=example.com, O=Example`: a certificate name as one line. */
function formatName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/**
 * The leaf certificate as the monitor stores it. `daysLeft` counts whole days (2.9 days left is 2; an expired
 * certificate has a negative count). Null when the peer sent no certificate.
 */
export function summarizeCert(peer: PeerCertificate | undefined, now: number): CertSummary | null {
  if (!peer || !peer.valid_to) return null;
  const notAfter = Date.parse(peer.valid_to);
  if (Number.isNaN(notAfter)) return null;
  return {
    daysLeft: Math.floor((notAfter - now) / DAY_MS),
    notAfter: new Date(notAfter).toISOString(),
    subject: formatName(peer.subject),
    issuer: formatName(peer.issuer),
  };
}

/** The one that expires first (redirect chains can cross several certificates). */
export function soonestExpiring(a: CertSummary | undefined, b: CertSummary | null | undefined): CertSummary | undefined {
  if (!b) return a;
  return !a || b.notAfter < a.notAfter ? b : a;
}

/** OpenSSL's texts for the verification codes Node reports in `authorizationError`. */
const VERIFY_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_REVOKED: 'certificate revoked',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  INVALID_CA: 'invalid CA certificate',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  INVALID_PURPOSE: 'unsupported certificate purpose',
  ERROR_IN_CERT_NOT_AFTER_FIELD: "format error in certificate's notAfter field",
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "format error in certificate's notBefore field",
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  HOSTNAME_MISMATCH: 'hostname mismatch',
};

/**
 * Why verification failed, in OpenSSL's words, with the code: `certificate has expired (CERT_HAS_EXPIRED)`. A
 * name mismatch is explained by `checkServerIdentity` (`Host: x. is not in the cert's altnames: DNS:y`).
 */
export function verifyFailureReason(code: string, host: string, peer: PeerCertificate | undefined): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' && peer) {
    const err = checkServerIdentity(host, peer);
    if (err) return `certificate does not match ${host}: ${(err as Error & { reason?: string }).reason ?? err.message}`;
  }
  const text = VERIFY_REASONS[code];
  return text ? `${text} (${code})` : code;
}
