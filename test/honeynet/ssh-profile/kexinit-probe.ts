/**
 * Test helper: connect to an SSH server on loopback, send an identification line, and read the server's
 * identification and its first packet, SSH_MSG_KEXINIT (sent in the clear), as the five lists a scanner
 * reports. Needs no external tool, so the exact-offer check runs everywhere; nmap (nmap-enum-algos.ts) then
 * confirms what scanners print.
 */
import { connect } from 'node:net';
import type { KexInitLists } from '../../../src/honeynet/ssh-profile/openssh-kexinit.js';

export interface KexInitProbe {
  identification: string;
  lists: KexInitLists;
  /** Whether every server-to-client list equals its client-to-server twin (OpenSSH sends them equal). */
  symmetric: boolean;
  /** The 16 random bytes of the KEXINIT and the packet's random padding, hex. */
  cookie: string;
  padding: string;
}

export function probeKexInit(port: number, timeoutMs = 5000): Promise<KexInitProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let identification: string | undefined;
    const timer = setTimeout(() => finish(new Error('no KEXINIT within the timeout')), timeoutMs);
    const finish = (err: Error | undefined, result?: KexInitProbe) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(result as KexInitProbe);
    };
    socket.once('connect', () => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n'));
    socket.on('error', (err) => finish(err));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (identification === undefined) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        identification = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
      }
      if (buffer.length < 4 || buffer.length < 4 + buffer.readUInt32BE(0)) return;
      const payload = buffer.subarray(5, 4 + buffer.readUInt32BE(0) - buffer[4]!);
      if (payload[0] !== 20) return finish(new Error(`first packet is message ${payload[0]}, not KEXINIT`));
      const names: string[][] = [];
      let offset = 17; // message number and 16-byte cookie
      for (let i = 0; i < 10; i++) {
        const length = payload.readUInt32BE(offset);
        const text = payload.subarray(offset + 4, offset + 4 + length).toString('latin1');
        names.push(text === '' ? [] : text.split(','));
        offset += 4 + length;
      }
      const [kex, serverHostKey, cipher, cipherSc, mac, macSc, compression, compressionSc] = names as [string[], string[], string[], string[], string[], string[], string[], string[]];
      const same = (a: string[], b: string[]) => a.join() === b.join();
      finish(undefined, {
        identification,
        lists: { kex, serverHostKey, cipher, mac, compression },
        symmetric: same(cipher, cipherSc) && same(mac, macSc) && same(compression, compressionSc),
        cookie: payload.subarray(1, 17).toString('hex'),
        padding: buffer.subarray(4 + buffer.readUInt32BE(0) - buffer[4]!, 4 + buffer.readUInt32BE(0)).toString('hex'),
      });
    });
  });
}
