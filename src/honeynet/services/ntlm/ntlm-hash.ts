/**
 * A captured NTLM response in the form crackers take it (hashcat 5600 NetNTLMv2, 5500 NetNTLMv1), and the client
 * side of the computation (NT hash, NTLMv2 response) so tests and offline checks can prove a capture matches a
 * known password.
 */
import { createHmac } from 'node:crypto';
import { md4 } from './md4.js';
import type { NtlmAuthenticate } from './ntlm-messages.js';

export type NtlmHashType = 'netntlmv2' | 'netntlmv1';

export interface NtlmCapture {
  hashType: NtlmHashType;
  /** hashcat's line for the mode (`user::domain:challenge:ntproofstr:blob` for 5600). */
  hash: string;
}

/**
 * The hashcat line of an AUTHENTICATE answered to `serverChallenge`, or null when there is nothing to crack
 * (anonymous: no NT response; or a length no NTLM version produces).
 */
export function hashcatLine(auth: NtlmAuthenticate, serverChallenge: Buffer): NtlmCapture | null {
  const nt = auth.ntResponse;
  const ch = serverChallenge.toString('hex');
  if (nt.length > 24) {
    // NTLMv2: the first 16 bytes are NTProofStr, the rest is the client's blob (hashcat 5600).
    return { hashType: 'netntlmv2', hash: `${auth.user}::${auth.domain}:${ch}:${nt.subarray(0, 16).toString('hex')}:${nt.subarray(16).toString('hex')}` };
  }
  if (nt.length === 24) {
    // NTLMv1 (with or without extended session security, which hashcat 5500 reads from the LM field).
    const lm = auth.lmResponse.length === 24 ? auth.lmResponse.toString('hex') : '';
    return { hashType: 'netntlmv1', hash: `${auth.user}::${auth.domain}:${lm}:${nt.toString('hex')}:${ch}` };
  }
  return null;
}

/** NT hash: MD4 of the UTF-16LE password. */
export function ntHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

const hmacMd5 = (key: Buffer, ...data: Buffer[]): Buffer => {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
};

/** NTOWFv2 (MS-NLMP 3.3.2): HMAC-MD5 keyed by the NT hash over UPPER(user) + domain, UTF-16LE. */
export function ntowfV2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntHash(password), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

/** NTProofStr for a blob: what the client puts before the blob in its NTLMv2 response. */
export function ntProofStr(password: string, user: string, domain: string, serverChallenge: Buffer, blob: Buffer): Buffer {
  return hmacMd5(ntowfV2(password, user, domain), serverChallenge, blob);
}

/** True when a hashcat 5600 line was produced by `password` (what `hashcat -m 5600` would find). */
export function netNtlmV2Matches(line: string, password: string): boolean {
  const m = /^(.*)::(.*):([0-9a-f]{16}):([0-9a-f]{32}):([0-9a-f]+)$/.exec(line);
  if (!m) return false;
  const [, user, domain, ch, proof, blob] = m;
  return ntProofStr(password, user!, domain!, Buffer.from(ch!, 'hex'), Buffer.from(blob!, 'hex')).toString('hex') === proof;
}

/** An NTLMv2 blob (MS-NLMP 2.2.2.7) as a client builds it: time, client challenge, the server's target info. */
export function ntlmV2Blob(clientChallenge: Buffer, timestamp: Buffer, targetInfo: Buffer): Buffer {
  const head = Buffer.alloc(28);
  head[0] = 1;
  head[1] = 1;
  timestamp.copy(head, 8, 0, 8);
  clientChallenge.copy(head, 16, 0, 8);
  return Buffer.concat([head, targetInfo, Buffer.alloc(4)]);
}
