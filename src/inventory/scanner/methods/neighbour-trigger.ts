import { createSocket, type Socket } from 'node:dgram';

/**
 * Makes the kernel resolve an on-link address without raw sockets: one UDP datagram to the discard port (9)
 * needs the neighbour entry first, so ARP/NDP goes out and the neighbour table tells the rest. One socket per
 * family serves every host. Used when ICMP is unavailable, since on-link hosts get no TCP connects.
 */
export class NeighbourTrigger {
  private v4: Socket | null = null;
  private v6: Socket | null = null;
  private static readonly PAYLOAD = Buffer.alloc(1);

  send(ip: string): void {
    const sock = ip.includes(':') ? (this.v6 ??= this.open('udp6')) : (this.v4 ??= this.open('udp4'));
    sock.send(NeighbourTrigger.PAYLOAD, 9, ip, () => {});
  }

  private open(type: 'udp4' | 'udp6'): Socket {
    const s = createSocket(type);
    s.on('error', () => {}); // unreachable errors are expected and mean nothing here
    s.unref();
    return s;
  }

  close(): void {
    this.v4?.close();
    this.v6?.close();
  }
}
