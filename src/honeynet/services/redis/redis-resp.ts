/**
 * A streaming, bounded parser of what Redis clients send: RESP2 multibulk (`*N\r\n$len\r\n...`) and inline
 * commands (a line split as Redis's sdssplitargs does, quotes and escapes included). State is the unparsed tail
 * (at most `maxBuffer` bytes) and the command in progress; anything past the caps is a protocol error, after which
 * the connection is closed, as Redis closes it. It never throws.
 */
export interface RespLimits {
  /** Arguments of one command (Redis allows 1024*1024; a honeypot needs far fewer). */
  maxArgs: number;
  /** Bytes of one bulk string (Redis: 512 MB). */
  maxBulk: number;
  /** Unparsed bytes held for one connection, and the longest inline command (Redis: 64 KB). */
  maxBuffer: number;
}

export const RESP_LIMITS: RespLimits = { maxArgs: 1024, maxBulk: 512 * 1024, maxBuffer: 1024 * 1024 };

export type RespItem = { kind: 'command'; args: Buffer[] } | { kind: 'error'; message: string };

export class RespParser {
  private buf: Buffer = Buffer.alloc(0);
  private args: Buffer[] | null = null;
  private remaining = 0;
  private failed = false;

  constructor(private readonly limits: RespLimits = RESP_LIMITS) {}

  /** Bytes held between calls (for tests of the bound). */
  get buffered(): number {
    return this.buf.length + (this.args?.reduce((n, a) => n + a.length, 0) ?? 0);
  }

  feed(chunk: Uint8Array): RespItem[] {
    const out: RespItem[] = [];
    if (this.failed) return out;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const fail = (message: string): RespItem[] => {
      this.failed = true;
      this.buf = Buffer.alloc(0);
      this.args = null;
      out.push({ kind: 'error', message });
      return out;
    };
    let pos = 0;
    for (;;) {
      if (this.args === null) {
        if (pos >= this.buf.length) break;
        const nl = this.buf.indexOf(0x0a, pos);
        if (this.buf[pos] !== 0x2a /* * */) {
          if (nl < 0) {
            if (this.buf.length - pos > this.limits.maxBuffer) return fail('Protocol error: too big inline request');
            break;
          }
          if (nl - pos > this.limits.maxBuffer) return fail('Protocol error: too big inline request');
          let end = nl;
          if (end > pos && this.buf[end - 1] === 0x0d) end--;
          const line = this.buf.subarray(pos, end);
          pos = nl + 1;
          const args = splitArgs(line);
          if (args === null) return fail('Protocol error: unbalanced quotes in request');
          if (args.length > this.limits.maxArgs) return fail('Protocol error: invalid multibulk length');
          if (args.length) out.push({ kind: 'command', args });
          continue;
        }
        if (nl < 0) {
          if (this.buf.length - pos > 64) return fail('Protocol error: too big mbulk count string');
          break;
        }
        const n = parseIntStrict(this.buf.subarray(pos + 1, nl > pos && this.buf[nl - 1] === 0x0d ? nl - 1 : nl));
        if (n === null || n > this.limits.maxArgs) return fail('Protocol error: invalid multibulk length');
        pos = nl + 1;
        if (n <= 0) continue;
        this.args = [];
        this.remaining = n;
      }
      // Inside a multibulk: `$len\r\n<bytes>\r\n` for each argument.
      if (pos >= this.buf.length) break;
      if (this.buf[pos] !== 0x24 /* $ */) return fail(`Protocol error: expected '$', got '${String.fromCharCode(this.buf[pos]!)}'`);
      const nl = this.buf.indexOf(0x0a, pos);
      if (nl < 0) {
        if (this.buf.length - pos > 64) return fail('Protocol error: too big bulk count string');
        break;
      }
      const len = parseIntStrict(this.buf.subarray(pos + 1, this.buf[nl - 1] === 0x0d ? nl - 1 : nl));
      if (len === null || len < 0 || len > this.limits.maxBulk) return fail('Protocol error: invalid bulk length');
      if (this.buf.length - (nl + 1) < len + 2) {
        if (this.buffered - pos > this.limits.maxBuffer) return fail('Protocol error: invalid bulk length');
        break;
      }
      this.args.push(Buffer.from(this.buf.subarray(nl + 1, nl + 1 + len)));
      pos = nl + 1 + len + 2;
      if (--this.remaining === 0) {
        out.push({ kind: 'command', args: this.args });
        this.args = null;
      } else if (this.buffered - pos > this.limits.maxBuffer) return fail('Protocol error: invalid multibulk length');
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(pos));
    return out;
  }
}

function parseIntStrict(b: Buffer): number | null {
  const s = b.toString('latin1');
  if (!/^-?\d{1,12}$/.test(s)) return null;
  return Number(s);
}

const HEX = /^[0-9a-fA-F]$/;

/** Redis's sdssplitargs: whitespace-separated words, "double quotes" with \n \r \t \b \a \xHH escapes, 'single'. Null if unbalanced. */
export function splitArgs(line: Buffer): Buffer[] | null {
  const args: Buffer[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return args;
    const cur: number[] = [];
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === 0x5c && line[i + 1] === 0x78 && HEX.test(String.fromCharCode(line[i + 2] ?? 0)) && HEX.test(String.fromCharCode(line[i + 3] ?? 0))) {
          cur.push(parseInt(String.fromCharCode(line[i + 2]!, line[i + 3]!), 16));
          i += 3;
        } else if (c === 0x5c && line[i + 1] !== undefined) {
          i++;
          const e = line[i]!;
          cur.push(e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e);
        } else if (c === 0x22) {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null;
          inq = false;
          i++;
          break;
        } else cur.push(c);
      } else if (insq) {
        if (c === undefined) return null;
        if (c === 0x5c && line[i + 1] === 0x27) {
          i++;
          cur.push(0x27);
        } else if (c === 0x27) {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null;
          insq = false;
          i++;
          break;
        } else cur.push(c);
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === 0x22) inq = true;
        else if (c === 0x27) insq = true;
        else cur.push(c);
      }
      i++;
    }
    args.push(Buffer.from(cur));
  }
}

/** RESP2 encoders. */
export const resp = {
  simple: (s: string) => `+${s}\r\n`,
  /** An error line: Redis replaces CR/LF in error text by spaces. */
  error: (s: string) => `-${s.replace(/[\r\n]+/g, ' ')}\r\n`,
  int: (n: number) => `:${n}\r\n`,
  bulk: (s: string | Buffer | null): Buffer => (s === null ? Buffer.from('$-1\r\n') : Buffer.concat([Buffer.from(`$${Buffer.byteLength(s)}\r\n`), Buffer.from(s), Buffer.from('\r\n')])),
  array: (items: Array<string | Buffer | null>): Buffer => Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items.map((i) => resp.bulk(i))]),
  nullArray: '*-1\r\n',
};
