/**
 * SMTP input framing: command lines (CRLF or bare LF, cut at `maxLine` as Postfix's line_length_limit), DATA
 * (dot-terminated, dot-unstuffed, streamed out in pieces, never whole) and BDAT chunks (exactly n octets). The
 * service pulls one event at a time and switches the mode after DATA/BDAT, so pipelined input is read in the
 * right mode. Pending bytes are bounded by the caller pausing the socket (see `pending`).
 */
export const SMTP_MAX_LINE = 2048;
const DATA_PIECE = 8192;

export type SmtpEvent =
  | { kind: 'line'; text: string; overflow: boolean }
  | { kind: 'data'; bytes: Buffer }
  | { kind: 'data-end' }
  | { kind: 'bdat'; bytes: Buffer }
  | { kind: 'bdat-end' };

export class SmtpReader {
  private buf: Buffer = Buffer.alloc(0);
  private mode: 'line' | 'data' | 'bdat' = 'line';
  private bdatLeft = 0;
  private atLineStart = true;
  private discarding = false;

  constructor(private readonly maxLine = SMTP_MAX_LINE) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  get pending(): number {
    return this.buf.length;
  }

  startData(): void {
    this.mode = 'data';
    this.atLineStart = true;
  }

  startBdat(n: number): void {
    this.mode = 'bdat';
    this.bdatLeft = n;
  }

  next(): SmtpEvent | null {
    if (this.mode === 'bdat') {
      if (this.bdatLeft === 0) {
        this.mode = 'line';
        return { kind: 'bdat-end' };
      }
      if (this.buf.length === 0) return null;
      const n = Math.min(this.bdatLeft, this.buf.length, DATA_PIECE * 8);
      const bytes = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
      this.bdatLeft -= n;
      return { kind: 'bdat', bytes };
    }
    const nl = this.buf.indexOf(0x0a);
    if (this.mode === 'data') {
      if (nl < 0) {
        if (this.buf.length < DATA_PIECE) return null;
        let bytes = this.buf;
        this.buf = Buffer.alloc(0);
        if (this.atLineStart && bytes[0] === 0x2e) bytes = bytes.subarray(1);
        this.atLineStart = false;
        return { kind: 'data', bytes };
      }
      let line = this.buf.subarray(0, nl + 1);
      this.buf = this.buf.subarray(nl + 1);
      const start = this.atLineStart;
      this.atLineStart = true;
      if (start && line[0] === 0x2e) {
        if (line.length === 2 || (line.length === 3 && line[1] === 0x0d)) {
          this.mode = 'line';
          return { kind: 'data-end' };
        }
        line = line.subarray(1);
      }
      return { kind: 'data', bytes: line };
    }
    if (nl < 0) {
      if (this.buf.length <= this.maxLine) return null;
      // An overlong line: hand over its first maxLine bytes now, drop the rest up to the LF.
      const text = this.buf.subarray(0, this.maxLine).toString('utf8');
      const wasDiscarding = this.discarding;
      this.buf = Buffer.alloc(0);
      this.discarding = true;
      return wasDiscarding ? null : { kind: 'line', text, overflow: true };
    }
    let line = this.buf.subarray(0, nl);
    this.buf = this.buf.subarray(nl + 1);
    if (this.discarding) {
      this.discarding = false;
      return this.next();
    }
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    const overflow = line.length > this.maxLine;
    return { kind: 'line', text: line.subarray(0, this.maxLine).toString('utf8'), overflow };
  }
}

export function parseCommand(line: string): { verb: string; arg: string } {
  const t = line.replace(/^\s+/, '');
  const sp = t.search(/\s/);
  return { verb: (sp < 0 ? t : t.slice(0, sp)).toUpperCase().slice(0, 32), arg: sp < 0 ? '' : t.slice(sp + 1).trim() };
}

/** `FROM:<a@b> SIZE=123` / `TO:<x@y>` (Postfix also takes a space after the colon and no brackets). */
export function parsePath(arg: string, keyword: 'FROM' | 'TO'): { address: string; params: Record<string, string> } | null {
  const m = new RegExp(`^${keyword}:\\s*(?:<([^<>]*)>|([^\\s<>]+))(.*)$`, 'i').exec(arg);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const p of (m[3] ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 16)) {
    const eq = p.indexOf('=');
    params[(eq < 0 ? p : p.slice(0, eq)).toUpperCase()] = eq < 0 ? '' : p.slice(eq + 1);
  }
  return { address: (m[1] ?? m[2] ?? '').slice(0, 512), params };
}

/** Strict base64 (as Postfix's SASL layer wants it), or null. */
export function decodeBase64(s: string): Buffer | null {
  const t = s.trim();
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
  return Buffer.from(t, 'base64');
}

/** AUTH PLAIN's `authzid NUL authcid NUL passwd`. */
export function parsePlain(b: Buffer): { authzid: string; username: string; password: string } | null {
  const a = b.indexOf(0);
  const c = a < 0 ? -1 : b.indexOf(0, a + 1);
  if (a < 0 || c < 0) return null;
  return { authzid: b.subarray(0, a).toString('utf8'), username: b.subarray(a + 1, c).toString('utf8'), password: b.subarray(c + 1).toString('utf8') };
}

/** A Postfix short queue id: 5 hex digits of the microseconds, then the queue file's inode in hex (10–12 upper-case hex digits). */
export function queueId(now: number, random: () => number = Math.random): string {
  const usec = Math.floor((now % 1000) * 1000 + random() * 1000) % 1_000_000;
  const inode = 0x10000 + Math.floor(random() * 0xfeffff);
  return `${usec.toString(16).toUpperCase().padStart(5, '0')}${inode.toString(16).toUpperCase()}`;
}
