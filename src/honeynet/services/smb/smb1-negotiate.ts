/**
 * The one SMB1 request a modern server still reads: SMB_COM_NEGOTIATE (MS-CIFS 2.2.4.52), because clients open
 * with it to find out whether the server speaks SMB2 (MS-SMB2 3.3.5.3.1, "multi-protocol negotiate"). Samba since
 * 4.11 and Windows since 1709 have SMB1 off by default, so a negotiate without an SMB2 dialect is refused.
 */
export const SMB1_MAGIC = Buffer.from([0xff, 0x53, 0x4d, 0x42]);
const SMB_COM_NEGOTIATE = 0x72;
const MAX_DIALECTS = 64;

export interface Smb1Negotiate {
  dialects: string[];
  /** The request header, for the fields a reply echoes (PID, MID, TID, UID, flags2). */
  header: Buffer;
}

/** Reads an SMB1 NEGOTIATE request; null for any other SMB1 command or malformed bytes. */
export function parseSmb1Negotiate(msg: Buffer): Smb1Negotiate | null {
  if (msg.length < 35 || !msg.subarray(0, 4).equals(SMB1_MAGIC) || msg[4] !== SMB_COM_NEGOTIATE) return null;
  const wordCount = msg[32]!;
  const bcOff = 33 + wordCount * 2;
  if (bcOff + 2 > msg.length) return null;
  const byteCount = msg.readUInt16LE(bcOff);
  const bytes = msg.subarray(bcOff + 2, Math.min(msg.length, bcOff + 2 + byteCount));
  const dialects: string[] = [];
  let p = 0;
  while (p < bytes.length && dialects.length < MAX_DIALECTS) {
    if (bytes[p] !== 0x02) break; // BufferFormat: dialect string
    const end = bytes.indexOf(0, p + 1);
    if (end < 0) break;
    dialects.push(bytes.subarray(p + 1, end).toString('latin1'));
    p = end + 1;
  }
  return { dialects, header: Buffer.from(msg.subarray(0, 32)) };
}

/** The SMB2 dialect a multi-protocol negotiate leads to: 0x02FF ("SMB 2.???", more to come), 0x0202, or none. */
export function smb2DialectFromSmb1(dialects: string[]): 0x02ff | 0x0202 | null {
  if (dialects.includes('SMB 2.???')) return 0x02ff;
  if (dialects.includes('SMB 2.002')) return 0x0202;
  return null;
}

/**
 * Samba's answer when no offered dialect is enabled (smbd's reply_negprot, "No protocol supported"): an SMB1
 * NEGOTIATE response with one word, DialectIndex 0xFFFF, after which smbd exits. Flags: REPLY | CASELESS;
 * Flags2: the client's Unicode bit plus LONG_NAMES | EAS | NT_STATUS, as smbd's common reply header sets them.
 */
export function smb1NoProtocolChosen(req: Buffer): Buffer {
  const out = Buffer.alloc(32 + 1 + 2 + 2);
  req.copy(out, 0, 0, 32);
  out.writeUInt32LE(0, 5); // status
  out[9] = 0x88;
  out.writeUInt16LE((req.readUInt16LE(10) & 0x8000) | 0x4003, 10);
  out.fill(0, 12, 24); // PIDHigh, SecurityFeatures, Reserved
  out[32] = 1;
  out.writeUInt16LE(0xffff, 33);
  out.writeUInt16LE(0, 35);
  return out;
}
