/**
 * TLS the way TDS 7.x carries it (MS-TDS 3.2.5.2): the handshake travels inside PRELOGIN (0x12) packets in both
 * directions; once it is done, TLS records flow bare on the TCP stream. A Node TLSSocket runs the server side over a
 * Duplex that adds and strips that framing. Which bytes are handshake is read from the records themselves (the
 * server's last flight ends with ChangeCipherSpec and Finished), never from event timing.
 */
import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import { HEADER_BYTES, PACKET, tdsPackets } from './tds-packet.js';

const RECORD_HEADER = 5;
/** TLS plaintext limit plus the largest expansion a cipher may add (RFC 5246 6.2.3). */
const MAX_RECORD = 16384 + 2048;
const CHANGE_CIPHER_SPEC = 0x14;
const APPLICATION_DATA = 0x17;

export class TdsTls {
  readonly socket: TLSSocket;
  private readonly transport: Duplex;
  private inBuf: Buffer = Buffer.alloc(0);
  private outBuf: Buffer = Buffer.alloc(0);
  /** Server records are wrapped in PRELOGIN packets until the record after ChangeCipherSpec (Finished) is out. */
  private wrapping = true;
  private sawChangeCipherSpec = false;
  failed: string | null = null;

  constructor(
    context: SecureContext,
    /** Writes to the client's TCP connection. */
    private readonly send: (bytes: Buffer) => void,
    private readonly maxPacket: number,
  ) {
    this.transport = new Duplex({
      read() {},
      write: (chunk: Buffer, _enc, cb) => {
        this.onServerBytes(chunk);
        cb();
      },
    });
    this.socket = new TLSSocket(this.transport, { isServer: true, secureContext: context });
  }

  get buffered(): number {
    return this.inBuf.length + this.outBuf.length;
  }

  /** Bytes from the client: PRELOGIN-framed handshake records, or bare records after the handshake. */
  feed(chunk: Uint8Array): void {
    if (this.failed) return;
    this.inBuf = this.inBuf.length ? Buffer.concat([this.inBuf, chunk]) : Buffer.from(chunk);
    let pos = 0;
    while (this.inBuf.length > pos) {
      const type = this.inBuf[pos]!;
      if (type === PACKET.PRELOGIN) {
        if (this.inBuf.length - pos < HEADER_BYTES) break;
        const len = this.inBuf.readUInt16BE(pos + 2);
        if (len < HEADER_BYTES || len > this.maxPacket) return this.fail('bad PRELOGIN packet length in TLS handshake');
        if (this.inBuf.length - pos < len) break;
        this.transport.push(Buffer.from(this.inBuf.subarray(pos + HEADER_BYTES, pos + len)));
        pos += len;
      } else if (type >= CHANGE_CIPHER_SPEC && type <= APPLICATION_DATA) {
        if (this.inBuf.length - pos < RECORD_HEADER) break;
        const len = this.inBuf.readUInt16BE(pos + 3);
        if (len > MAX_RECORD) return this.fail('TLS record too large');
        if (this.inBuf.length - pos < RECORD_HEADER + len) break;
        this.transport.push(Buffer.from(this.inBuf.subarray(pos, pos + RECORD_HEADER + len)));
        pos += RECORD_HEADER + len;
      } else return this.fail('neither TDS nor TLS inside the TLS exchange');
    }
    this.inBuf = Buffer.from(this.inBuf.subarray(pos));
  }

  /** Stops without a close_notify (SQL Server drops TLS after the login packet without one). */
  destroy(): void {
    this.socket.destroy();
    this.transport.destroy();
  }

  private onServerBytes(chunk: Buffer): void {
    if (!this.wrapping) {
      this.send(chunk);
      return;
    }
    this.outBuf = this.outBuf.length ? Buffer.concat([this.outBuf, chunk]) : chunk;
    const wrapped: Buffer[] = [];
    let pos = 0;
    while (this.wrapping && this.outBuf.length - pos >= RECORD_HEADER) {
      const end = pos + RECORD_HEADER + this.outBuf.readUInt16BE(pos + 3);
      if (end > this.outBuf.length) break;
      const type = this.outBuf[pos]!;
      wrapped.push(this.outBuf.subarray(pos, end));
      if (this.sawChangeCipherSpec) this.wrapping = false;
      if (type === CHANGE_CIPHER_SPEC) this.sawChangeCipherSpec = true;
      pos = end;
    }
    const rest = this.outBuf.subarray(pos);
    this.outBuf = Buffer.alloc(0);
    if (wrapped.length) this.send(tdsPackets(PACKET.PRELOGIN, Buffer.concat(wrapped)));
    if (!this.wrapping) {
      if (rest.length) this.send(Buffer.from(rest));
    } else this.outBuf = Buffer.from(rest);
  }

  private fail(reason: string): void {
    this.failed = reason;
    this.inBuf = Buffer.alloc(0);
    this.socket.destroy();
  }
}
