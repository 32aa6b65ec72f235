/**
 * What distinguishes Samba from Windows Server before anyone logs in: the SPNEGO mechanisms in the NEGOTIATE
 * response, capability bits per dialect, the ciphers and signing algorithms it picks, and the NTLM identity. The
 * server GUID is per install (Samba keeps one in secrets.tdb, Windows in the registry), derived from the persona.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Persona } from '../../persona/persona.js';
import { ntlmIdentity, type WindowsServerRelease } from '../ntlm/ntlm-identity.js';
import type { NtlmIdentity } from '../ntlm/ntlm-messages.js';
import { OID, serverNegTokenInit } from '../ntlm/spnego.js';
import type { NegotiateContext, Smb2NegotiateRequest } from './smb2-messages.js';

const CAP = { DFS: 0x01, LEASING: 0x02, LARGE_MTU: 0x04, MULTI_CHANNEL: 0x08, DIRECTORY_LEASING: 0x20, ENCRYPTION: 0x40 } as const;
const CTX = { PREAUTH: 1, ENCRYPTION: 2, SIGNING: 8 } as const;

export interface SmbServerProfile {
  flavor: 'samba' | 'windows';
  identity: NtlmIdentity;
  serverGuid: Buffer;
  /** SMB2_NEGOTIATE_SIGNING_ENABLED: neither a standalone Samba nor a member Windows Server requires signing. */
  securityMode: number;
  /** The NEGOTIATE response's security buffer (SPNEGO NegTokenInit). */
  negTokenInit: Buffer;
  capabilities(dialect: number): number;
  /** 8 MiB with LARGE_MTU (2.1 and later), 64 KiB for 2.0.2. */
  maxSize(dialect: number): number;
  /** The 3.1.1 negotiate contexts answering the client's. */
  contexts(req: Smb2NegotiateRequest): NegotiateContext[];
}

/** Cipher ids in the server's order of preference (MS-SMB2 2.2.3.1.2). */
const CIPHERS = { samba: [2, 1, 4, 3], windows2019: [2, 1], windows2022: [4, 2, 3, 1] } as const;
/** Signing algorithm ids in preference order (2.2.3.1.7); Windows Server 2019 predates the context. */
const SIGNING = { samba: [2, 1, 0], windows2022: [2, 1, 0] } as const;

function pick(prefs: readonly number[], offered: number[]): number {
  return prefs.find((p) => offered.includes(p)) ?? 0;
}

function u16list(data: Buffer, countAt: number, listAt: number): number[] {
  if (data.length < countAt + 2) return [];
  const n = Math.min(data.readUInt16LE(countAt), 16);
  const out: number[] = [];
  for (let i = 0; i < n && listAt + i * 2 + 2 <= data.length; i++) out.push(data.readUInt16LE(listAt + i * 2));
  return out;
}

export function smbServerProfile(persona: Persona, flavor: 'samba' | 'windows', release: WindowsServerRelease): SmbServerProfile {
  const serverGuid = createHash('sha256').update(`smb-server-guid:${flavor}:${persona.id}`).digest().subarray(0, 16);
  const windows = flavor === 'windows';
  const mechs = windows ? [OID.negoex, OID.msKrb5, OID.krb5, OID.krb5U2u, OID.ntlmssp] : [OID.ntlmssp];
  const ciphers = windows ? (release === '2022' ? CIPHERS.windows2022 : CIPHERS.windows2019) : CIPHERS.samba;
  const signing = windows ? (release === '2022' ? SIGNING.windows2022 : null) : SIGNING.samba;
  return {
    flavor,
    identity: ntlmIdentity(persona, flavor, release),
    serverGuid,
    securityMode: 0x01,
    negTokenInit: serverNegTokenInit(mechs),
    capabilities(dialect) {
      if (dialect === 0x0202) return CAP.DFS;
      let caps: number = CAP.DFS | CAP.LEASING | CAP.LARGE_MTU;
      if (dialect >= 0x0300 && dialect !== 0x02ff) {
        caps |= CAP.MULTI_CHANNEL;
        if (windows) caps |= CAP.DIRECTORY_LEASING;
        // 3.0/3.0.2 announce encryption as a capability; 3.1.1 negotiates it with a context instead.
        if (dialect < 0x0311) caps |= CAP.ENCRYPTION;
      }
      return caps;
    },
    maxSize: (dialect) => (dialect === 0x0202 ? 65536 : 8 * 1024 * 1024),
    contexts(req) {
      const out: NegotiateContext[] = [];
      const preauth = Buffer.alloc(38);
      preauth.writeUInt16LE(1, 0);
      preauth.writeUInt16LE(32, 2);
      preauth.writeUInt16LE(1, 4); // SHA-512
      randomBytes(32).copy(preauth, 6);
      out.push({ type: CTX.PREAUTH, data: preauth });
      const enc = req.contexts.find((c) => c.type === CTX.ENCRYPTION);
      if (enc) {
        const d = Buffer.alloc(4);
        d.writeUInt16LE(1, 0);
        d.writeUInt16LE(pick(ciphers, u16list(enc.data, 0, 2)), 2);
        out.push({ type: CTX.ENCRYPTION, data: d });
      }
      const sig = req.contexts.find((c) => c.type === CTX.SIGNING);
      if (sig && signing) {
        const d = Buffer.alloc(4);
        d.writeUInt16LE(1, 0);
        d.writeUInt16LE(pick(signing, u16list(sig.data, 0, 2)), 2);
        out.push({ type: CTX.SIGNING, data: d });
      }
      return out;
    },
  };
}
