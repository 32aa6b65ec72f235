import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's default SCRAM iteration count (scram_iterations). */
export const SCRAM_ITERATIONS = 4096;

/** AuthenticationSASL's mechanism list as a server without TLS sends it (no -PLUS: nothing to bind to). */
export const SASL_MECHANISMS = Buffer.from('SCRAM-SHA-256\0\0');

export interface ClientFirst {
  /** `n=` as sent (libpq sends it empty: the user comes from the startup packet). */
  user: string;
  nonce: string;
  /** `client-first-message-bare`, which the AuthMessage starts with. */
  bare: string;
}

/**
 * SASLInitialResponse: the mechanism name (C string), an int32 length, then client-first-message
 * `gs2-header n=user,r=nonce`. Null when it is not a well-formed SCRAM-SHA-256 start (RFC 5802 §7).
 */
export function parseSaslInitial(body: Buffer): ClientFirst | null {
  const end = body.indexOf(0);
  if (end < 0 || body.subarray(0, end).toString('latin1') !== 'SCRAM-SHA-256' || body.length < end + 5) return null;
  const len = body.readInt32BE(end + 1);
  if (len < 0 || len > body.length - end - 5 || len > 4096) return null;
  const msg = body.subarray(end + 5, end + 5 + len).toString('utf8');
  const m = /^(?:n|y),(?:a=[^,]*)?,(n=[^,]*,r=([\x21-\x2b\x2d-\x7e]+)(?:,.*)?)$/s.exec(msg);
  if (!m) return null;
  return { bare: m[1]!, user: /^n=([^,]*)/.exec(m[1]!)![1]!, nonce: m[2]! };
}

/** server-first-message: the client's nonce with ours (18 random bytes, base64, as PostgreSQL), salt, iterations. */
export function serverFirst(client: ClientFirst, salt: Buffer): string {
  return `r=${client.nonce}${randomBytes(18).toString('base64')},s=${salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
}

export interface ClientFinal {
  withoutProof: string;
  nonce: string;
  proof: Buffer;
}

/** client-final-message `c=...,r=...,p=...`; null if malformed. */
export function parseClientFinal(body: Buffer): ClientFinal | null {
  const msg = body.subarray(0, 4096).toString('utf8');
  const m = /^(c=[A-Za-z0-9+/=]*,r=([\x21-\x2b\x2d-\x7e]+)(?:,[^p][^,]*)*),p=([A-Za-z0-9+/=]+)$/.exec(msg);
  if (!m) return null;
  return { withoutProof: m[1]!, nonce: m[2]!, proof: Buffer.from(m[3]!, 'base64') };
}

/**
 * The exchange as a cracker takes it: `$scram-sha-256$iterations$salt$AuthMessage$ClientProof` (base64 fields).
 * A guess is right when ClientKey XOR HMAC(H(ClientKey), AuthMessage) equals the proof (`scramProof`).
 */
export function scramCapture(salt: Buffer, authMessage: string, proof: Buffer): string {
  return `$scram-sha-256$${SCRAM_ITERATIONS}$${salt.toString('base64')}$${Buffer.from(authMessage).toString('base64')}$${proof.toString('base64')}`;
}

/** The ClientProof a client holding `password` sends (RFC 5802 §3); tests and crackers recompute it. */
export function scramProof(password: string, salt: Buffer, iterations: number, authMessage: string): Buffer {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  return Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
}

/**
 * The salt PostgreSQL shows for a role: it has no such role, so like the real server for unknown roles it
 * derives a stable "mock" salt from the name and a per-install secret — the same user always sees the same salt.
 */
export function mockSalt(secret: Buffer, user: string): Buffer {
  return createHmac('sha256', secret).update(user).digest().subarray(0, 16);
}
