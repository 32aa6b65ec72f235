/**
 * The FTP control channel's framing as vsftpd reads it: lines end in LF (a CR before it is dropped), a line
 * longer than the limit is cut (the rest up to the LF is discarded), the verb is the first word, upper-cased.
 */
export const FTP_MAX_LINE = 4096;

export class FtpLineReader {
  private buf: Buffer[] = [];
  private len = 0;
  private discarding = false;

  constructor(private readonly maxLine = FTP_MAX_LINE) {}

  /** Complete lines in this chunk (without CR/LF), decoded as UTF-8. Held bytes never exceed `maxLine`. */
  feed(chunk: Buffer): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.discarding) {
        const room = this.maxLine - this.len;
        const part = chunk.subarray(start, Math.min(end, start + room));
        if (part.length > 0) {
          this.buf.push(part);
          this.len += part.length;
        }
        if (end - start > room) this.discarding = true;
      }
      if (nl < 0) break;
      let line = Buffer.concat(this.buf, this.len);
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      out.push(line.toString('utf8'));
      this.buf = [];
      this.len = 0;
      this.discarding = false;
      start = nl + 1;
    }
    return out;
  }

  get buffered(): number {
    return this.len;
  }
}

export function parseCommand(line: string): { verb: string; arg: string } {
  // Telnet IAC sequences some clients send (IP, DM before ABOR) and NULs are not part of the command.
  const clean = line.replace(/\xff[\xf0-\xfe]?|\u0000/g, '');
  const sp = clean.indexOf(' ');
  const verb = (sp < 0 ? clean : clean.slice(0, sp)).toUpperCase().slice(0, 32);
  return { verb, arg: sp < 0 ? '' : clean.slice(sp + 1) };
}

/** `PORT h1,h2,h3,h4,p1,p2` → address and port, or null when malformed. */
export function parsePort(arg: string): { host: string; port: number } | null {
  const m = /^\s*(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})\s*$/.exec(arg);
  if (!m) return null;
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255)) return null;
  return { host: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
}

/** `EPRT |1|h|port|` (RFC 2428) → address and port, or null when malformed. */
export function parseEprt(arg: string): { host: string; port: number } | null {
  const d = arg[0];
  if (!d || d.charCodeAt(0) < 33 || d.charCodeAt(0) > 126) return null;
  const parts = arg.split(d);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return null;
  const port = Number(parts[3]);
  if (!/^(1|2)$/.test(parts[1]!) || !/^\d{1,5}$/.test(parts[3]!) || port < 1 || port > 65535 || !parts[2]) return null;
  return { host: parts[2]!, port };
}

/** The `227` reply's `(h1,h2,h3,h4,p1,p2)`. */
export function pasvTuple(ipv4: string, port: number): string {
  return `${ipv4.split('.').join(',')},${port >> 8},${port & 255}`;
}

/** Strips the IPv4-mapped prefix (`::ffff:10.0.0.1`). */
export function plainIp(ip: string | undefined): string {
  return (ip ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}
