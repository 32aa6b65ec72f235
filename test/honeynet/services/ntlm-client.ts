/**
 * The client side of NTLMSSP, for tests and offline checks of the services that capture it (SMB, RDP, MSSQL):
 * a NEGOTIATE, the target info of a CHALLENGE, and an AUTHENTICATE with a real NTLMv2 response for a password.
 */
import { randomBytes } from 'node:crypto';
import { ntlmV2Blob, ntProofStr } from '../../../src/honeynet/services/ntlm/ntlm-hash.js';
import { fileTime, NTLM_FLAG, NTLMSSP_SIGNATURE } from '../../../src/honeynet/services/ntlm/ntlm-messages.js';

/** A NEGOTIATE_MESSAGE with `flags` and, when given, the OEM domain and workstation. */
export function negotiateMessage(flags: number, domain = '', workstation = ''): Buffer {
  const d = Buffer.from(domain, 'latin1');
  const w = Buffer.from(workstation, 'latin1');
  const head = Buffer.alloc(32);
  NTLMSSP_SIGNATURE.copy(head, 0);
  head.writeUInt32LE(1, 8);
  head.writeUInt32LE(flags >>> 0, 12);
  head.writeUInt16LE(d.length, 16);
  head.writeUInt16LE(d.length, 18);
  head.writeUInt32LE(32, 20);
  head.writeUInt16LE(w.length, 24);
  head.writeUInt16LE(w.length, 26);
  head.writeUInt32LE(32 + d.length, 28);
  return Buffer.concat([head, d, w]);
}

export interface AvPairView {
  id: number;
  value: Buffer;
}

/** The AV pairs of a CHALLENGE_MESSAGE, and their raw bytes (what an NTLMv2 blob embeds). */
export function targetInfoOf(challenge: Buffer): AvPairView[] & { raw: Buffer } {
  const len = challenge.readUInt16LE(40);
  const off = challenge.readUInt32LE(44);
  const raw = challenge.subarray(off, off + len);
  const pairs: AvPairView[] = [];
  for (let p = 0; p + 4 <= raw.length; ) {
    const id = raw.readUInt16LE(p);
    const l = raw.readUInt16LE(p + 2);
    pairs.push({ id, value: raw.subarray(p + 4, p + 4 + l) });
    p += 4 + l;
    if (id === 0) break;
  }
  return Object.assign(pairs, { raw });
}

export type AuthenticateInput = { user: string; domain: string; workstation: string; unicode: boolean } & (
  | { lm: Buffer; nt: Buffer }
  | { password: string; serverChallenge: Buffer; targetInfo: Buffer }
);

/** An AUTHENTICATE_MESSAGE: given responses as they are, or an NTLMv2 response computed from `password`. */
export function authenticateMessage(a: AuthenticateInput): Buffer {
  let lm: Buffer;
  let nt: Buffer;
  if ('password' in a) {
    const blob = ntlmV2Blob(randomBytes(8), fileTime(Date.now()), a.targetInfo);
    nt = Buffer.concat([ntProofStr(a.password, a.user, a.domain, a.serverChallenge, blob), blob]);
    lm = Buffer.alloc(24);
  } else {
    ({ lm, nt } = a);
  }
  const enc = (s: string) => Buffer.from(s, a.unicode ? 'utf16le' : 'latin1');
  const fields = [lm, nt, enc(a.domain), enc(a.user), enc(a.workstation), Buffer.alloc(0)];
  const head = Buffer.alloc(64);
  NTLMSSP_SIGNATURE.copy(head, 0);
  head.writeUInt32LE(3, 8);
  // Field order in the header: LM, NT, domain, user, workstation, session key.
  let off = 64;
  fields.forEach((f, i) => {
    head.writeUInt16LE(f.length, 12 + i * 8);
    head.writeUInt16LE(f.length, 14 + i * 8);
    head.writeUInt32LE(off, 16 + i * 8);
    off += f.length;
  });
  head.writeUInt32LE((a.unicode ? NTLM_FLAG.UNICODE : NTLM_FLAG.OEM) | NTLM_FLAG.NTLM | NTLM_FLAG.EXTENDED_SESSIONSECURITY, 60);
  return Buffer.concat([head, ...fields]);
}
