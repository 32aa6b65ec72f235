/**
 * NetBIOS session service framing (RFC 1002 4.3) as SMB uses it on 139 and, as "direct hosting", on 445: a type
 * byte and a length, then the message. On 445 the length is 24 bits (MS-SMB2 2.1); NBSS proper allows 17. Lengths
 * are capped before anything is buffered.
 */
export const NBSS = { message: 0x00, sessionRequest: 0x81, positiveResponse: 0x82, negativeResponse: 0x83, keepAlive: 0x85 } as const;

export interface NbssPacket {
  type: number;
  body: Buffer;
}

/** Splits a byte stream into NBSS packets; `failed` once a declared length exceeds the cap. */
export class NbssReader {
  private buf: Buffer = Buffer.alloc(0);
  failed = false;

  constructor(private readonly maxBody: number) {}

  feed(chunk: Buffer): NbssPacket[] {
    if (this.failed) return [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: NbssPacket[] = [];
    while (this.buf.length >= 4) {
      const type = this.buf[0]!;
      const len = this.buf.readUIntBE(1, 3);
      if (len > this.maxBody) {
        this.failed = true;
        this.buf = Buffer.alloc(0);
        return out;
      }
      if (this.buf.length < 4 + len) break;
      out.push({ type, body: Buffer.from(this.buf.subarray(4, 4 + len)) });
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }

  get buffered(): number {
    return this.buf.length;
  }
}

/** One NBSS session message around `body`. */
export function nbssMessage(body: Buffer, type: number = NBSS.message): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([h, body]);
}
