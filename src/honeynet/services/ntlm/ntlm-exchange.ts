/**
 * One NTLM authentication as a server runs it, whatever carries it (SMB2 SESSION_SETUP, CredSSP, TDS SSPI, HTTP):
 * the client's tokens in, the server's tokens out, and at the end what the client proved. Tokens may be raw
 * NTLMSSP or wrapped in SPNEGO; the answer uses the client's framing. Nothing is ever verified: the caller
 * records the capture and refuses the login.
 */
import { randomBytes } from 'node:crypto';
import { hashcatLine, type NtlmCapture } from './ntlm-hash.js';
import { buildChallenge, NTLMSSP_SIGNATURE, parseAuthenticate, parseNegotiate, type NtlmAuthenticate, type NtlmIdentity, type NtlmNegotiate } from './ntlm-messages.js';
import { NEG_STATE, negTokenResp, OID, parseSpnego } from './spnego.js';
import type { EventPayloads, HoneypotRef } from '../../../core/events.js';

export type NtlmStep =
  /** Send `token` and wait for the client's next one. */
  | { kind: 'continue'; token: Buffer }
  /** The client authenticated: `capture` is null for an anonymous (null session) login. */
  | { kind: 'authenticate'; auth: NtlmAuthenticate; negotiate: NtlmNegotiate | null; capture: NtlmCapture | null; anonymous: boolean }
  /** Not an NTLM token we can take (garbage, or a mechanism other than NTLMSSP only). */
  | { kind: 'invalid'; reason: string };

export class NtlmExchange {
  /** Fresh per exchange: a constant challenge would let precomputed tables crack captures. */
  readonly serverChallenge: Buffer;
  private negotiate: NtlmNegotiate | null = null;
  private spnego = false;

  constructor(
    private readonly identity: NtlmIdentity,
    private readonly now: () => number = Date.now,
    random: (n: number) => Buffer = randomBytes,
  ) {
    this.serverChallenge = random(8);
  }

  /** Whether the client wrapped its tokens in SPNEGO (the answer does too). */
  get usesSpnego(): boolean {
    return this.spnego;
  }

  step(token: Buffer): NtlmStep {
    if (token.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) return this.ntlm(token);
    const sp = parseSpnego(token);
    if (!sp) return { kind: 'invalid', reason: 'not an NTLMSSP or SPNEGO token' };
    this.spnego = true;
    if (sp.kind === 'init') {
      const inner = sp.mechToken;
      if (inner && inner.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) return this.ntlm(inner);
      // An optimistic token for another mechanism (Kerberos) or none: point the client at NTLMSSP, as Windows
      // and Samba do when the client also lists it.
      if (!sp.mechTypes.includes(OID.ntlmssp)) return { kind: 'invalid', reason: `no NTLMSSP among ${sp.mechTypes.join(',') || 'no mechanisms'}` };
      return { kind: 'continue', token: negTokenResp({ negState: NEG_STATE.acceptIncomplete, supportedMech: OID.ntlmssp }) };
    }
    if (sp.responseToken && sp.responseToken.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) return this.ntlm(sp.responseToken);
    return { kind: 'invalid', reason: 'NegTokenResp without an NTLMSSP token' };
  }

  private ntlm(msg: Buffer): NtlmStep {
    const type = msg.length >= 12 ? msg.readUInt32LE(8) : 0;
    if (type === 1) {
      const neg = parseNegotiate(msg);
      if (!neg) return { kind: 'invalid', reason: 'malformed NTLMSSP NEGOTIATE' };
      this.negotiate = neg;
      const challenge = buildChallenge({ clientFlags: neg.flags, serverChallenge: this.serverChallenge, identity: this.identity, nowMs: this.now() });
      return { kind: 'continue', token: this.spnego ? negTokenResp({ negState: NEG_STATE.acceptIncomplete, supportedMech: OID.ntlmssp, responseToken: challenge }) : challenge };
    }
    if (type === 3) {
      const auth = parseAuthenticate(msg);
      if (!auth) return { kind: 'invalid', reason: 'malformed NTLMSSP AUTHENTICATE' };
      // MS-NLMP 3.2.5.1.2: anonymous is an empty user with no NT response (and an empty or 1-byte zero LM response).
      const anonymous = auth.user === '' && auth.ntResponse.length === 0;
      return { kind: 'authenticate', auth, negotiate: this.negotiate, capture: anonymous ? null : hashcatLine(auth, this.serverChallenge), anonymous };
    }
    return { kind: 'invalid', reason: `unexpected NTLMSSP message type ${type}` };
  }
}

/** The `honeypot.auth` fields of a finished exchange (SMB, RDP): the NetNTLM capture, or `none` when anonymous. */
export function ntlmAuthEvent(step: Extract<NtlmStep, { kind: 'authenticate' }>): Omit<EventPayloads['honeypot.auth'], keyof HoneypotRef> {
  const { auth, capture } = step;
  return {
    method: capture ? 'challenge-response' : 'none',
    username: auth.user,
    ...(capture ? { response: capture.hash, hash_type: capture.hashType } : {}),
    domain: auth.domain,
    workstation: auth.workstation,
    success: false,
  };
}
