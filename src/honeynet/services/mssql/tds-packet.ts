/**
 * TDS packet framing (MS-TDS 2.2.3): an 8-byte header — type, status, big-endian length (header included), SPID,
 * packet id, window — and messages that span packets until one carries END_OF_MESSAGE. Parsing never throws; every
 * length is checked against a cap before anything is buffered.
 */

export const PACKET = {
  SQL_BATCH: 0x01,
  PRE_TDS7_LOGIN: 0x02,
  RPC: 0x03,
  TABULAR_RESULT: 0x04,
  ATTENTION: 0x06,
  BULK_LOAD: 0x07,
  FEDAUTH_TOKEN: 0x08,
  TRANSACTION_MANAGER: 0x0e,
  LOGIN7: 0x10,
  SSPI: 0x11,
  PRELOGIN: 0x12,
} as const;

/** What a client may send; any other type is a broken or foreign stream, and SQL Server drops the connection. */
export const CLIENT_PACKET_TYPES: ReadonlySet<number> = new Set([PACKET.SQL_BATCH, PACKET.PRE_TDS7_LOGIN, PACKET.RPC, PACKET.ATTENTION, PACKET.BULK_LOAD, PACKET.FEDAUTH_TOKEN, PACKET.TRANSACTION_MANAGER, PACKET.LOGIN7, PACKET.SSPI, PACKET.PRELOGIN]);

export const STATUS_EOM = 0x01;
export const HEADER_BYTES = 8;

export interface TdsMessage {
  type: number;
  payload: Buffer;
}

/** Reassembles messages from a byte stream; `failed` (with a reason) once a length breaks a cap or the framing. */
export class TdsReader {
  private buf: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private partBytes = 0;
  private partType = -1;
  failed: string | null = null;

  constructor(
    private readonly maxPacket: number,
    private readonly maxMessage: number,
  ) {}

  get buffered(): number {
    return this.buf.length + this.partBytes;
  }

  /** Takes what is buffered but not yet parsed (when the stream changes hands, e.g. to TLS). */
  drain(): Buffer {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  feed(chunk: Uint8Array): TdsMessage[] {
    const out: TdsMessage[] = [];
    if (this.failed) return out;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    let pos = 0;
    while (this.buf.length - pos >= HEADER_BYTES) {
      const type = this.buf[pos]!;
      const status = this.buf[pos + 1]!;
      const len = this.buf.readUInt16BE(pos + 2);
      if (!CLIENT_PACKET_TYPES.has(type)) return this.fail(out, 'unknown packet type');
      if (len < HEADER_BYTES) return this.fail(out, 'packet length below the header size');
      if (len > this.maxPacket) return this.fail(out, 'packet too large');
      if (this.buf.length - pos < len) break;
      if (this.partType !== -1 && type !== this.partType) return this.fail(out, 'packet type changed inside a message');
      if (this.partBytes + len - HEADER_BYTES > this.maxMessage) return this.fail(out, 'message too large');
      this.partType = type;
      this.parts.push(Buffer.from(this.buf.subarray(pos + HEADER_BYTES, pos + len)));
      this.partBytes += len - HEADER_BYTES;
      pos += len;
      if (status & STATUS_EOM) {
        out.push({ type, payload: Buffer.concat(this.parts) });
        this.parts = [];
        this.partBytes = 0;
        this.partType = -1;
      }
    }
    this.buf = Buffer.from(this.buf.subarray(pos));
    return out;
  }

  private fail(out: TdsMessage[], reason: string): TdsMessage[] {
    this.failed = reason;
    this.buf = Buffer.alloc(0);
    this.parts = [];
    this.partBytes = 0;
    return out;
  }
}

/** One message as packets of at most `packetSize` bytes, the last flagged END_OF_MESSAGE, ids counting from 1. */
export function tdsPackets(type: number, payload: Buffer, o: { spid?: number; packetSize?: number } = {}): Buffer {
  const room = (o.packetSize ?? 4096) - HEADER_BYTES;
  const out: Buffer[] = [];
  let id = 1;
  for (let off = 0; off === 0 || off < payload.length; off += room) {
    const part = payload.subarray(off, off + room);
    const head = Buffer.alloc(HEADER_BYTES);
    head[0] = type;
    head[1] = off + room >= payload.length ? STATUS_EOM : 0;
    head.writeUInt16BE(part.length + HEADER_BYTES, 2);
    head.writeUInt16BE(o.spid ?? 0, 4);
    head[6] = id++ & 0xff;
    out.push(head, part);
    if (payload.length === 0) break;
  }
  return Buffer.concat(out);
}
