/**
 * The first RDP exchange (MS-RDPBCGR 2.2.1.1/2.2.1.2): TPKT (T.123) framing, the client's X.224 Connection Request
 * with its cookie (`Cookie: mstshash=<user>`) or routing token and RDP_NEG_REQ, and the server's Connection
 * Confirm with RDP_NEG_RSP or RDP_NEG_FAILURE. Also the MCS Disconnect Provider Ultimatum xrdp sends when it
 * gives up on a connection.
 */
export const PROTOCOL = { RDP: 0, SSL: 1, HYBRID: 2, RDSTLS: 4, HYBRID_EX: 8, RDSAAD: 0x10 } as const;

/** RDP_NEG_FAILURE codes (2.2.1.2.2). */
export const NEG_FAILURE = { SSL_REQUIRED_BY_SERVER: 1, SSL_NOT_ALLOWED_BY_SERVER: 2, SSL_CERT_NOT_ON_SERVER: 3, INCONSISTENT_FLAGS: 4, HYBRID_REQUIRED_BY_SERVER: 5 } as const;

const X224_CR = 0xe0;
const X224_CC = 0xd0;
const NEG_REQ = 1;
const NEG_RSP = 2;
const NEG_FAIL = 3;
const CORRELATION_INFO = 6;

/** Cookie/username kept from a request (mstsc truncates mstshash to 9 characters; a routing token can be longer). */
const MAX_COOKIE = 256;

/**
 * Splits a byte stream into PDUs the way xrdp reads them (libxrdp_get_pdu_bytes): a TPKT when the first byte is 3
 * (length in bytes 2-3), otherwise a fast-path length (one byte, or two when the high bit is set).
 */
export class PduReader {
  private buf: Buffer = Buffer.alloc(0);
  failed = false;

  constructor(private readonly max: number) {}

  feed(chunk: Buffer): Buffer[] {
    if (this.failed) return [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const b = this.buf;
      const len = b[0] === 3 ? b.readUInt16BE(2) : b[1]! & 0x80 ? ((b[1]! & 0x7f) << 8) | b[2]! : b[1]!;
      if (len < 4 || len > this.max) {
        this.failed = true;
        this.buf = Buffer.alloc(0);
        return out;
      }
      if (b.length < len) break;
      out.push(Buffer.from(b.subarray(0, len)));
      this.buf = b.subarray(len);
    }
    return out;
  }

  /** Bytes received after the last complete PDU (the start of a TLS handshake, when the client pipelines). */
  takeRest(): Buffer {
    const r = this.buf;
    this.buf = Buffer.alloc(0);
    return r;
  }

  get buffered(): number {
    return this.buf.length;
  }
}

export interface ConnectionRequest {
  /** The `mstshash` user name of the cookie, or the routing token text; '' when absent. */
  cookie: string;
  cookieKind: 'mstshash' | 'routing' | 'none';
  /** RDP_NEG_REQ, when present. */
  negReq: { flags: number; requestedProtocols: number; length: number } | null;
  /** False when the X.224 length indicator disagrees with the TPKT length (xrdp refuses those). */
  lengthConsistent: boolean;
}

/** Reads a TPKT + X.224 Connection Request; null when it is not one. */
export function parseConnectionRequest(pdu: Buffer): ConnectionRequest | null {
  if (pdu.length < 11 || pdu[0] !== 3 || pdu.readUInt16BE(2) !== pdu.length) return null;
  const li = pdu[4]!;
  if ((pdu[5]! & 0xf0) !== X224_CR || li === 255) return null;
  const lengthConsistent = li === pdu.length - 5;
  let p = 11;
  let cookie = '';
  let cookieKind: ConnectionRequest['cookieKind'] = 'none';
  let negReq: ConnectionRequest['negReq'] = null;
  while (p < pdu.length) {
    const t = pdu[p]!;
    if (t === 0x43 /* 'C' */) {
      const end = pdu.indexOf('\r\n', p, 'latin1');
      const stop = end < 0 ? pdu.length : end;
      const line = pdu.subarray(p, stop).toString('latin1');
      const m = /^Cookie: mstshash=(.*)$/s.exec(line);
      if (m) {
        cookie = m[1]!.slice(0, MAX_COOKIE);
        cookieKind = 'mstshash';
      } else {
        cookie = line.replace(/^Cookie: /, '').slice(0, MAX_COOKIE);
        cookieKind = 'routing';
      }
      p = end < 0 ? pdu.length : end + 2;
    } else if (t === NEG_REQ) {
      if (p + 8 > pdu.length) return { cookie, cookieKind, negReq, lengthConsistent: false };
      negReq = { flags: pdu[p + 1]!, length: pdu.readUInt16LE(p + 2), requestedProtocols: pdu.readUInt32LE(p + 4) };
      p += 8;
    } else if (t === CORRELATION_INFO) {
      p += 36;
    } else {
      p += 1;
    }
  }
  return { cookie, cookieKind, negReq, lengthConsistent };
}

/** The requested protocols as names, for the event: `rdp` when only standard RDP security is asked for. */
export function protocolNames(mask: number): string {
  const names: string[] = [];
  if (mask & PROTOCOL.SSL) names.push('tls');
  if (mask & PROTOCOL.HYBRID) names.push('hybrid');
  if (mask & PROTOCOL.RDSTLS) names.push('rdstls');
  if (mask & PROTOCOL.HYBRID_EX) names.push('hybrid_ex');
  if (mask & PROTOCOL.RDSAAD) names.push('rdsaad');
  return names.length ? names.join(',') : 'rdp';
}

export type NegData = { kind: 'rsp'; flags: number; selected: number } | { kind: 'failure'; code: number } | null;

/** X.224 Connection Confirm: DST-REF 0, SRC-REF 0x1234 (both Windows and xrdp), class 0, optional negotiation data. */
export function connectionConfirm(neg: NegData): Buffer {
  const len = neg ? 19 : 11;
  const b = Buffer.alloc(len);
  b[0] = 3;
  b.writeUInt16BE(len, 2);
  b[4] = len - 5;
  b[5] = X224_CC;
  b.writeUInt16BE(0x1234, 8);
  if (neg) {
    b[11] = neg.kind === 'rsp' ? NEG_RSP : NEG_FAIL;
    b[12] = neg.kind === 'rsp' ? neg.flags : 0;
    b.writeUInt16LE(8, 13);
    b.writeUInt32LE(neg.kind === 'rsp' ? neg.selected : neg.code, 15);
  }
  return b;
}

/** TPKT + X.224 DT + MCS Disconnect Provider Ultimatum (reason rn-user-requested), as xrdp_mcs_disconnect sends it. */
export const MCS_DISCONNECT_ULTIMATUM = Buffer.from([0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80]);
