/**
 * Which security protocol each server picks for a Connection Request (MS-RDPBCGR 3.3.5.3.1/3.3.5.3.2).
 *
 * xrdp (xrdp_iso_negotiate_security, default `security_layer=negotiate`): TLS when the client asks for it and a
 * certificate is readable, otherwise standard RDP security; never CredSSP. It refuses RDP_NEG_REQ flags outside
 * 0x0b and protocol masks above 0x0b, and confirms with flags EXTENDED_CLIENT_DATA_SUPPORTED only.
 *
 * Windows Server with NLA required (the default): HYBRID_EX, HYBRID or RDSTLS when offered, else HYBRID_REQUIRED_BY_SERVER;
 * without NLA, TLS is enough and a plain-RDP request gets SSL_REQUIRED_BY_SERVER. Its RDP_NEG_RSP flags are 0x1f
 * (extended client data, graphics pipeline, reserved, restricted admin, redirected authentication).
 */
import { NEG_FAILURE, PROTOCOL, type ConnectionRequest, type NegData } from './x224.js';

export type Negotiated =
  /** Send the confirm, then continue with `selected` (TLS for SSL/HYBRID/HYBRID_EX). */
  | { ok: true; neg: NegData; selected: number }
  /** Send the confirm (a failure, or none) and end the connection. */
  | { ok: false; neg: NegData; reason: string }
  /** Drop the connection without a confirm (xrdp sends its disconnect ultimatum). */
  | { ok: false; neg: 'drop'; reason: string };

const WINDOWS_RSP_FLAGS = 0x1f;
const XRDP_RSP_FLAGS = 0x01;

export function negotiateXrdp(cr: ConnectionRequest, haveCert: boolean): Negotiated {
  if (!cr.lengthConsistent) return { ok: false, neg: 'drop', reason: 'inconsistent X.224 length' };
  const req = cr.negReq;
  if (!req) return { ok: true, neg: null, selected: PROTOCOL.RDP };
  if ((req.flags & 0x0b) !== req.flags || req.length !== 8 || req.requestedProtocols > 0x0b) return { ok: false, neg: 'drop', reason: 'RDP_NEG_REQ refused' };
  const selected = req.requestedProtocols & PROTOCOL.SSL && haveCert ? PROTOCOL.SSL : PROTOCOL.RDP;
  return { ok: true, neg: { kind: 'rsp', flags: XRDP_RSP_FLAGS, selected }, selected };
}

export function negotiateWindows(cr: ConnectionRequest, haveCert: boolean, nla: boolean): Negotiated {
  const req = cr.negReq;
  // No RDP_NEG_REQ: a pre-RDP 5.2 client. The confirm carries no negotiation data (2.2.1.2), and the server
  // drops the connection at the next PDU since it only allows enhanced security.
  if (!req) return { ok: false, neg: null, reason: 'no security negotiation' };
  const p = req.requestedProtocols;
  const fail = (code: number, reason: string): Negotiated => ({ ok: false, neg: { kind: 'failure', code }, reason });
  const rsp = (selected: number): Negotiated => ({ ok: true, neg: { kind: 'rsp', flags: WINDOWS_RSP_FLAGS, selected }, selected });
  if (!haveCert && p & (PROTOCOL.SSL | PROTOCOL.HYBRID | PROTOCOL.HYBRID_EX)) return fail(NEG_FAILURE.SSL_CERT_NOT_ON_SERVER, 'no certificate');
  if (p & PROTOCOL.HYBRID_EX) return rsp(PROTOCOL.HYBRID_EX);
  if (p & PROTOCOL.HYBRID) return rsp(PROTOCOL.HYBRID);
  // RDSTLS (used after a redirection) authenticates inside TLS, so an NLA-only server accepts it as well.
  if (p & PROTOCOL.RDSTLS) return rsp(PROTOCOL.RDSTLS);
  if (nla) return fail(NEG_FAILURE.HYBRID_REQUIRED_BY_SERVER, 'NLA required');
  if (p & PROTOCOL.SSL) return rsp(PROTOCOL.SSL);
  return fail(NEG_FAILURE.SSL_REQUIRED_BY_SERVER, 'TLS required');
}
