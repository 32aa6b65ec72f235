/**
 * CredSSP's TSRequest (MS-CSSP 2.2.1), the DER message NLA exchanges inside TLS:
 *
 *   TSRequest ::= SEQUENCE { version [0] INTEGER, negoTokens [1] NegoData OPTIONAL, authInfo [2] OCTET STRING
 *     OPTIONAL, pubKeyAuth [3] OCTET STRING OPTIONAL, errorCode [4] INTEGER OPTIONAL, clientNonce [5] OCTET STRING
 *     OPTIONAL }
 *   NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 */
import { contextChild, ctx, derInteger, octets, readChildren, readInteger, readTlv, seq, tlv } from '../ntlm/der.js';

export interface TsRequest {
  version: number;
  negoToken: Buffer | null;
  hasPubKeyAuth: boolean;
  hasAuthInfo: boolean;
  errorCode: number | null;
}

/** Length of the complete DER SEQUENCE at the start of `buf`, once its header is in; null until then, -1 if it is not one. */
export function tsRequestLength(buf: Buffer): number | null {
  if (buf.length < 2) return null;
  if (buf[0] !== 0x30) return -1;
  const l = buf[1]!;
  if (!(l & 0x80)) return 2 + l;
  const n = l & 0x7f;
  if (n === 0 || n > 3) return -1;
  if (buf.length < 2 + n) return null;
  return 2 + n + buf.readUIntBE(2, n);
}

export function parseTsRequest(buf: Buffer): TsRequest | null {
  const outer = readTlv(buf);
  if (!outer || outer.tag !== 0x30) return null;
  const fields = readChildren(outer.value, 8);
  if (!fields) return null;
  const vTlv = contextChild(fields, 0);
  const version = readInteger(vTlv ? (readTlv(vTlv.value) ?? undefined) : undefined);
  if (version === null) return null;
  let negoToken: Buffer | null = null;
  const nd = contextChild(fields, 1);
  if (nd) {
    // SEQUENCE OF SEQUENCE { [0] OCTET STRING }: the first token is the one that matters.
    const list = readTlv(nd.value);
    const first = list && list.tag === 0x30 ? readTlv(list.value) : null;
    const inner = first && first.tag === 0x30 ? readChildren(first.value, 4) : null;
    const tok = inner ? contextChild(inner, 0) : undefined;
    const os = tok ? readTlv(tok.value) : null;
    if (os && os.tag === 0x04) negoToken = os.value;
  }
  const ec = contextChild(fields, 4);
  return {
    version,
    negoToken,
    hasAuthInfo: contextChild(fields, 2) !== undefined,
    hasPubKeyAuth: contextChild(fields, 3) !== undefined,
    errorCode: ec ? readInteger(readTlv(ec.value) ?? undefined) : null,
  };
}

export function buildTsRequest(o: { version: number; negoToken?: Buffer; errorCode?: number }): Buffer {
  const parts = [ctx(0, derInteger(o.version))];
  if (o.negoToken) parts.push(ctx(1, seq(seq(ctx(0, octets(o.negoToken))))));
  if (o.errorCode !== undefined) {
    // An NTSTATUS is a signed 32-bit value on the wire (Windows writes 0xC000006D as 02 04 c0 00 00 6d), and
    // FreeRDP reads only 1- to 4-byte integers here.
    const v = Buffer.alloc(4);
    v.writeUInt32BE(o.errorCode >>> 0);
    parts.push(ctx(4, o.errorCode >= 0x80000000 ? tlv(0x02, v) : derInteger(o.errorCode)));
  }
  return seq(...parts);
}
