import { createRequire } from 'node:module';

/** The parts of the `raw-socket` native module used here (an optional dependency). */
interface RawSocket {
  on(ev: 'message', cb: (buf: Buffer, source: string) => void): void;
  on(ev: 'error', cb: (err: Error) => void): void;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  close(): void;
}
interface RawModule {
  createSocket(opts: { protocol: number; addressFamily?: number }): RawSocket;
  Protocol: { ICMP: number; ICMPv6: number };
  AddressFamily: { IPv4: number; IPv6: number };
  createChecksum(...bufs: Buffer[]): number;
  writeChecksum(buf: Buffer, offset: number, checksum: number): Buffer;
}

export type EchoReplyHandler = (ip: string, rttMs: number) => void;

/**
 * ICMP echo over ONE raw socket per address family, shared by every host of a scan: requests carry our
 * identifier, replies are matched by identifier and source address. Needs root or CAP_NET_RAW; `open()`
 * explains why when it cannot.
 */
export class IcmpPinger {
  private v6: RawSocket | null = null;
  private readonly sentAt = new Map<string, number>();
  private readonly id: number;
  private seq = 0;
  private closed = false;

  private constructor(private readonly raw: RawModule, private readonly v4: RawSocket, private readonly onReply: EchoReplyHandler) {
    this.id = (process.pid ^ Math.floor(Math.random() * 0xffff)) & 0xffff;
    v4.on('message', (buf, src) => this.onV4(buf, src));
    v4.on('error', () => {});
  }

  static open(onReply: EchoReplyHandler): { pinger: IcmpPinger } | { reason: string } {
    let raw: RawModule;
    try {
      raw = createRequire(import.meta.url)('raw-socket') as RawModule;
    } catch {
      return { reason: 'the optional raw-socket module is not installed (npm could not build it)' };
    }
    try {
      const v4 = raw.createSocket({ protocol: raw.Protocol.ICMP });
      return { pinger: new IcmpPinger(raw, v4, onReply) };
    } catch (e) {
      return { reason: `cannot open a raw ICMP socket (${(e as Error).message}); run as root or grant CAP_NET_RAW (setcap cap_net_raw+ep "$(command -v node)")` };
    }
  }

  /** Sends one echo request; errors (e.g. no route) are treated as no answer. */
  send(ip: string): void {
    if (this.closed) return;
    const v6 = ip.includes(':');
    const seq = (this.seq = (this.seq + 1) & 0xffff);
    const buf = Buffer.alloc(24);
    buf[0] = v6 ? 128 : 8;
    buf.writeUInt16BE(this.id, 4);
    buf.writeUInt16BE(seq, 6);
    buf.write('lnmt-discovery!!', 8, 'latin1');
    if (!v6) this.raw.writeChecksum(buf, 2, this.raw.createChecksum(buf)); // the kernel fills ICMPv6 checksums
    const sock = v6 ? this.v6Socket() : this.v4;
    if (!sock) return;
    this.sentAt.set(ip, performance.now());
    sock.send(buf, 0, buf.length, ip, () => {});
  }

  private v6Socket(): RawSocket | null {
    if (this.v6) return this.v6;
    try {
      this.v6 = this.raw.createSocket({ protocol: this.raw.Protocol.ICMPv6, addressFamily: this.raw.AddressFamily.IPv6 });
      this.v6.on('message', (buf, src) => this.onV6(buf, src));
      this.v6.on('error', () => {});
    } catch {
      this.v6 = null;
    }
    return this.v6;
  }

  private onV4(buf: Buffer, src: string): void {
    const ihl = (buf[0]! & 0x0f) * 4;
    if (buf.length < ihl + 8) return;
    if (buf[ihl] !== 0 || buf.readUInt16BE(ihl + 4) !== this.id) return; // echo reply with our identifier only
    this.reply(src);
  }

  private onV6(buf: Buffer, src: string): void {
    if (buf.length < 8 || buf[0] !== 129 || buf.readUInt16BE(4) !== this.id) return;
    this.reply(src.replace(/%.*$/, ''));
  }

  private reply(ip: string): void {
    const t = this.sentAt.get(ip);
    if (t === undefined) return;
    this.onReply(ip, performance.now() - t);
  }

  forget(ip: string): void {
    this.sentAt.delete(ip);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.v4.close();
    this.v6?.close();
  }
}
