/**
 * SPNEGO (RFC 4178, GSS-API framing of RFC 2743) as SMB2 SESSION_SETUP and CredSSP carry it: the server's
 * NegTokenInit hint (SMB2 NEGOTIATE's security buffer), the client's NegTokenInit with the first mechToken, and
 * NegTokenResp both ways. Only what NTLMSSP needs; a Kerberos token is read but never answered.
 */
import { contextChild, ctx, oid, octets, readChildren, readTlv, seq, tlv, type Tlv } from './der.js';

export const OID = {
  spnego: '1.3.6.1.5.5.2',
  ntlmssp: '1.3.6.1.4.1.311.2.2.10',
  negoex: '1.3.6.1.4.1.311.2.2.30',
  msKrb5: '1.2.840.48018.1.2.2',
  krb5: '1.2.840.113554.1.2.2',
  krb5U2u: '1.2.840.113554.1.2.2.3',
} as const;

/** NegState of a NegTokenResp. */
export const NEG_STATE = { acceptCompleted: 0, acceptIncomplete: 1, reject: 2, requestMic: 3 } as const;

/** The hint Windows (and Samba, which copies it) put in negHints: RFC 4178 says to ignore it. */
const NEG_HINT = 'not_defined_in_RFC4178@please_ignore';

export type SpnegoToken =
  | { kind: 'init'; mechTypes: string[]; mechToken: Buffer | null }
  | { kind: 'resp'; negState: number | null; supportedMech: string | null; responseToken: Buffer | null; mechListMic: Buffer | null };

/** The server's NegTokenInit, listing `mechs` (dotted OIDs) in order, with the conventional negHints. */
export function serverNegTokenInit(mechs: string[]): Buffer {
  const hints = ctx(3, seq(ctx(0, tlv(0x1b, Buffer.from(NEG_HINT, 'latin1')))));
  const init = ctx(0, seq(ctx(0, seq(...mechs.map(oid))), hints));
  return tlv(0x60, oid(OID.spnego), init);
}

/** A NegTokenResp: state, the selected mech (first answer only) and the inner token. */
export function negTokenResp(o: { negState?: number; supportedMech?: string; responseToken?: Buffer; mechListMic?: Buffer }): Buffer {
  const parts: Buffer[] = [];
  if (o.negState !== undefined) parts.push(ctx(0, tlv(0x0a, Buffer.from([o.negState]))));
  if (o.supportedMech) parts.push(ctx(1, oid(o.supportedMech)));
  if (o.responseToken) parts.push(ctx(2, octets(o.responseToken)));
  if (o.mechListMic) parts.push(ctx(3, octets(o.mechListMic)));
  return ctx(1, seq(...parts));
}

/** A client NegTokenInit carrying `mechToken` (tests and clients of the module). */
export function clientNegTokenInit(mechs: string[], mechToken: Buffer): Buffer {
  return tlv(0x60, oid(OID.spnego), ctx(0, seq(ctx(0, seq(...mechs.map(oid))), ctx(2, octets(mechToken)))));
}

function oidToString(t: Tlv): string | null {
  if (t.tag !== 0x06 || t.value.length === 0 || t.value.length > 32) return null;
  const first = t.value[0]!;
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let v = 0;
  for (const b of t.value.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) return null;
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function octetsOf(t: Tlv | undefined): Buffer | null {
  if (!t) return null;
  const inner = readTlv(t.value);
  return inner && inner.tag === 0x04 ? inner.value : null;
}

/** Parses a client's SPNEGO token (NegTokenInit in its GSS-API wrapper, or NegTokenResp); null if it is neither. */
export function parseSpnego(buf: Buffer): SpnegoToken | null {
  const outer = readTlv(buf);
  if (!outer) return null;
  if (outer.tag === 0x60) {
    const parts = readChildren(outer.value, 4);
    if (!parts || parts.length < 2 || parts[0]!.tag !== 0x06 || oidToString(parts[0]!) !== OID.spnego || parts[1]!.tag !== 0xa0) return null;
    const body = readTlv(parts[1]!.value);
    if (!body || body.tag !== 0x30) return null;
    const fields = readChildren(body.value, 8);
    if (!fields) return null;
    const mechTypes: string[] = [];
    const mt = contextChild(fields, 0);
    if (mt) {
      const list = readTlv(mt.value);
      const oids = list && list.tag === 0x30 ? readChildren(list.value, 16) : null;
      for (const o of oids ?? []) {
        const s = oidToString(o);
        if (s) mechTypes.push(s);
      }
    }
    return { kind: 'init', mechTypes, mechToken: octetsOf(contextChild(fields, 2)) };
  }
  if (outer.tag === 0xa1) {
    const body = readTlv(outer.value);
    if (!body || body.tag !== 0x30) return null;
    const fields = readChildren(body.value, 8);
    if (!fields) return null;
    const state = contextChild(fields, 0);
    const stateTlv = state ? readTlv(state.value) : null;
    const mech = contextChild(fields, 1);
    const mechTlv = mech ? readTlv(mech.value) : null;
    return {
      kind: 'resp',
      negState: stateTlv && stateTlv.tag === 0x0a && stateTlv.value.length === 1 ? stateTlv.value[0]! : null,
      supportedMech: mechTlv ? oidToString(mechTlv) : null,
      responseToken: octetsOf(contextChild(fields, 2)),
      mechListMic: octetsOf(contextChild(fields, 3)),
    };
  }
  return null;
}
